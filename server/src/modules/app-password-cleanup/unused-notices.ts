import type { DataSource } from 'typeorm';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { revokeOnSql, unusedSinceSql } from './app-password-cleanup.rules.js';
import { APP_PASSWORD_PAGES_SQL, inWindowSql, sweepInBlockOrder } from './block-sweep.js';

/**
 * The clean-up's notices: which app passwords to tell their owners of today (`noticeDueSql`), and the statement that
 * tells them (`noticeCtes`: a notice and an audit event each). In two orders, as the revocations (unused-revocation.ts):
 * the service's keyset batches in the order of "unused since" for a few, a sweep in block order for most of a big
 * tenant (the day its policy is switched on), which also leaves their notices in the table's order, for the sweep
 * that revokes them 7 days later.
 */

const unusedSince = unusedSinceSql('ap');

/**
 * The app passwords a notice run looks at, by when they became unused: through today's moment (due within 7 days),
 * after the tenant's mark, how far the runs before it looked (tenant_jobs.noticed_through; null: from the start). Every
 * app password unused since the mark or earlier already has a notice that holds, or is gone: "unused since" only grows,
 * and the mark is dropped whenever notices are withdrawn (a policy changed or switched off).
 */
export interface NoticeRange {
  after: Date | null;
  through: Date;
}

/**
 * Over `ap`: the tenant's (`tenant`, a parameter) app passwords unused since a moment in `range` without a notice that
 * holds (one newer than their last use).
 */
export function noticeDueSql(q: SqlParams, tenant: string, range: NoticeRange): string {
  const after = range.after ? `AND ${unusedSince} > ${q.p(range.after)}` : '';
  return `ap.tenant_id = ${tenant} AND ${unusedSince} <= ${q.p(range.through)} ${after}
          AND NOT EXISTS (SELECT 1 FROM app_password_unused_notices n
                           WHERE n.app_password_id = ap.id AND n.noticed_at > coalesce(ap.last_used_at, '-infinity'))`;
}

/**
 * After a CTE `picked` (id, key_at: unused since, name, user_id): CTEs `noticed` (the notices, an older one replaced)
 * and `logged` (an audit event for each, with the day it will be revoked), in the order of `picked`.
 */
export function noticeCtes(q: SqlParams, tenant: string, days: number): string {
  const policyDays = q.p(days);
  return `noticed AS (
         INSERT INTO app_password_unused_notices AS n (tenant_id, app_password_id, noticed_at)
         SELECT ${tenant}::uuid, id, now() FROM picked
         ON CONFLICT (app_password_id) DO UPDATE SET noticed_at = EXCLUDED.noticed_at
         RETURNING n.app_password_id
       ), logged AS (
         INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, details)
         SELECT ${tenant}::uuid, ${q.p(AuditAction.APP_PASSWORD_UNUSED_NOTICE)}, 'system', p.user_id, p.id, p.name,
                jsonb_build_object('revokeOn', ${revokeOnSql('p.key_at', `${policyDays}::int`, 'now()')}::text,
                                   'unusedDays', floor(extract(epoch FROM now() - p.key_at) / 86400)::int,
                                   'revokeUnusedAfterDays', ${policyDays}::int)
           FROM picked p JOIN noticed ON noticed.app_password_id = p.id
         RETURNING 1
       )`;
}

/**
 * Whether telling the tenant's owners today is cheaper by a sweep of the table in block order: there are at least as
 * many to tell as the table has pages. Counted up to that many only: the first run of a policy looks from the start,
 * where the index may hold an entry for each app password revoked that day, each a visit to its page.
 */
export async function noticeSweepIsCheaper(db: DataSource, tenantId: string, range: NoticeRange): Promise<boolean> {
  const [row]: [{ due: number; pages: number }] = await withTenant(db, tenantId, async (m) => {
    const q = new SqlParams();
    const tenant = q.p(tenantId);
    return m.query(
      `WITH table_size AS (SELECT ${APP_PASSWORD_PAGES_SQL} AS pages)
       SELECT (SELECT count(*)::int FROM (SELECT 1 FROM app_passwords ap WHERE ${noticeDueSql(q, tenant, range)}
                                           LIMIT (SELECT pages FROM table_size)) due) AS due,
              (SELECT pages FROM table_size) AS pages`,
      q.values,
    );
  });
  return row.pages > 0 && row.due >= row.pages;
}

/** The table's rows per page, as of its last ANALYZE. */
async function rowsPerPage(db: DataSource): Promise<number> {
  const [row]: [{ per_page: number }] = await db.query(
    `SELECT CASE WHEN relpages > 0 AND reltuples > 0 THEN reltuples / relpages ELSE 1 END AS per_page
       FROM pg_class WHERE oid = 'app_passwords'::regclass`,
  );
  return row.per_page;
}

/** Tells owners of the tenant's app passwords due within 7 days, sweeping app_passwords in block order. Returns how many. */
export async function noticeInBlockOrder(
  db: DataSource,
  tenantId: string,
  days: number,
  range: NoticeRange,
  batchSize: number,
): Promise<number> {
  // At first as if every row were to be told; the sweep learns how many are.
  return sweepInBlockOrder(db, tenantId, await rowsPerPage(db), batchSize, async (m, window) => {
    // The notices by their primary key (a few thousand lookups, not a read of the tenant's notices), as the revocations
    // (lookUpByKey); hash joins stay: the audit events join `picked` to `noticed`, 5 000 × 5 000 as a nested loop.
    await m.query(`SELECT set_config('random_page_cost', '1.1', true)`);
    const q = new SqlParams();
    const tenant = q.p(tenantId);
    const [row]: [{ count: number; taken: number; last_tid: string | null }] = await m.query(
      `WITH picked AS (
         SELECT ap.id, ${unusedSince} AS key_at, ap.name, ap.user_id, ap.ctid AS tid FROM app_passwords ap
          WHERE ${inWindowSql(q, window)} AND ${noticeDueSql(q, tenant, range)}
          ORDER BY ap.ctid LIMIT ${q.p(batchSize)}
       ), ${noticeCtes(q, tenant, days)}
       SELECT (SELECT count(*)::int FROM logged) AS count, (SELECT count(*)::int FROM picked) AS taken,
              (SELECT max(tid)::text FROM picked) AS last_tid`,
      q.values,
    );
    return { count: row.count, taken: row.taken, lastTid: row.last_tid };
  });
}
