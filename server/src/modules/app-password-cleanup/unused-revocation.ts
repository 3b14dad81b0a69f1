import type { DataSource, EntityManager } from 'typeorm';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { deleteAppPasswords } from '../app-passwords/app-password-revocation.js';
import { APP_PASSWORD_PAGES_SQL, inWindowSql, sweepInBlockOrder } from './block-sweep.js';
import { unusedSinceSql, type UnusedMoments } from './app-password-cleanup.rules.js';

/**
 * How the daily clean-up revokes the app passwords due today, a batch per
 * short transaction: which ones (`revocableSql`), in what order, and the
 * revocation of a batch it picked and locked (`revokePicked`).
 *
 * Two orders, the cheaper one for the tenant. When its due app passwords
 * outnumber the pages of app_passwords (a big tenant: most pages hold several),
 * the table is swept in block order (block-sweep.ts). For a few app passwords,
 * a sweep would read the whole table for them: the notices' index finds them
 * (the service's keyset batches).
 */

const unusedSince = unusedSinceSql('ap');

/** The tenant's app passwords due today and told 7 days ago or more, over `n` joined to `ap`; parameters through `q`. */
export function revocableSql(q: SqlParams, tenantId: string, moments: UnusedMoments): string {
  return `n.tenant_id = ${q.p(tenantId)} AND n.noticed_at < ${q.p(moments.revokeIfNoticedBefore)}
          AND n.noticed_at > coalesce(ap.last_used_at, '-infinity') AND ${unusedSince} <= ${q.p(moments.revokeIfUnusedSince)}`;
}

/**
 * A batch reaches its rows by key (their row address, the notices' primary key), never by reading a table whole: the
 * planner, costing a few thousand lookups as reads from disk, would otherwise read all of app_passwords and hash all of
 * the tenant's notices for each batch (at 200 000 app passwords, two thirds of a batch's time). The rows were just
 * locked by this transaction, so their pages are in memory. For this transaction only. (Not enable_seqscan: the audit
 * triggers' own queries then take hundreds of milliseconds.)
 */
export async function lookUpByKey(m: EntityManager): Promise<void> {
  await m.query(
    `SELECT set_config('random_page_cost', '1.1', true), set_config('enable_hashjoin', 'off', true),
            set_config('enable_mergejoin', 'off', true)`,
  );
}

/**
 * The app passwords a batch picked and locked: their row addresses and their notices' (`tid`s), as lists or as
 * PostgreSQL array literals.
 */
export interface Picked {
  at: string | string[];
  noticesAt: string | string[];
}

/**
 * Revokes, through the one revocation function, the app passwords picked and locked by this transaction, with reason
 * "unused", and their notices. Locked, they are still due (a sign-in that would use one waits for the batch), and the
 * notices read with them are still theirs: a notice changes only in this tenant's run of the job, or goes with its app
 * password (whose deletion would wait for the lock). Returns how many went.
 */
export function revokePicked(m: EntityManager, tenantId: string, picked: Picked, moments: UnusedMoments): Promise<number> {
  const d = new SqlParams();
  return deleteAppPasswords(m, d, {
    tenantId,
    // Checked again as it deletes, as every revocation does.
    where: `ap.ctid = ANY(${d.p(picked.at)}::tid[]) AND ${unusedSince} <= ${d.p(moments.revokeIfUnusedSince)}`,
    noticesAt: `${d.p(picked.noticesAt)}::tid[]`,
    actor: { type: 'system' },
    reason: 'unused',
    request: null,
  });
}

/**
 * When a sweep of the table in block order is the cheaper way for this tenant today (its due app passwords, by their
 * notices, at least as many as app_passwords has pages), how many are due per page: the sweep's first estimate. Null
 * when the notices' index is the cheaper way.
 */
export async function sweepDensity(db: DataSource, tenantId: string, moments: UnusedMoments): Promise<number | null> {
  const [{ due, pages }]: [{ due: number; pages: number }] = await withTenant(db, tenantId, (m) =>
    m.query(
      `SELECT (SELECT count(*)::int FROM app_password_unused_notices n
                WHERE n.tenant_id = $1 AND n.noticed_at < $2) AS due,
              ${APP_PASSWORD_PAGES_SQL} AS pages`,
      [tenantId, moments.revokeIfNoticedBefore],
    ),
  );
  return pages > 0 && due >= pages ? due / pages : null;
}

/**
 * Revokes the tenant's due app passwords sweeping app_passwords in block order (block-sweep.ts): each batch takes at
 * most `batchSize` of them, skipping rows another transaction holds. Rows that move behind the sweep meanwhile were
 * used: not due. `duePerPage` comes from sweepDensity. Returns how many went.
 */
export async function revokeInBlockOrder(
  db: DataSource,
  tenantId: string,
  moments: UnusedMoments,
  batchSize: number,
  duePerPage: number,
): Promise<number> {
  return sweepInBlockOrder(db, tenantId, duePerPage, batchSize, async (m, window) => {
    await lookUpByKey(m);
    const q = new SqlParams();
    // One row back, however many were picked: their addresses as array literals, passed on as they are.
    const [batch]: [{ taken: number; at: string | null; notices_at: string | null; last: string | null }] = await m.query(
      `SELECT count(*)::int AS taken, array_agg(tid)::text AS at, array_agg(notice_tid)::text AS notices_at, max(tid)::text AS last
         FROM (SELECT ap.ctid AS tid, n.ctid AS notice_tid
                 FROM app_passwords ap JOIN app_password_unused_notices n ON n.app_password_id = ap.id
                WHERE ${inWindowSql(q, window)} AND ap.tenant_id = ${q.p(tenantId)} AND ${revocableSql(q, tenantId, moments)}
                ORDER BY ap.ctid LIMIT ${q.p(batchSize)} FOR UPDATE OF ap SKIP LOCKED) picked`,
      q.values,
    );
    return {
      taken: batch.taken,
      count: batch.at && batch.notices_at ? await revokePicked(m, tenantId, { at: batch.at, noticesAt: batch.notices_at }, moments) : 0,
      lastTid: batch.last,
    };
  });
}
