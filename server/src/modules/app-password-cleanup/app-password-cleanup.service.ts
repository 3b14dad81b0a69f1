import type { DataSource, EntityManager } from 'typeorm';
import type { TenantReader } from '../../common/context.js';
import { badInput } from '../../common/errors.js';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { revokeUnusedAfterDaysProblem } from '../tenant-policies/tenant-policy.rules.js';
import {
  EXPIRY_REMINDER_DAYS,
  expiryReminderDueSql,
  unusedMoments,
  unusedSinceSql,
  type ExpiryReminderDays,
  type UnusedMoments,
} from './app-password-cleanup.rules.js';
import { noticeCtes, noticeDueSql, noticeInBlockOrder, noticeSweepIsCheaper, type NoticeRange } from './unused-notices.js';
import { lookUpByKey, revocableSql, revokeInBlockOrder, revokePicked, sweepDensity } from './unused-revocation.js';

/** The job's name in tenant_jobs. */
export const CLEANUP_JOB = 'app_password_cleanup';

/** What one run did, summed over the tenants it ran for. */
export interface CleanupReport {
  tenants: number;
  /** Owners told (app_password.unused_notice). */
  noticed: number;
  /** App passwords revoked for being unused (app_password.revoked, reason 'unused'). */
  revoked: number;
  /** Expiry reminders (app_password.expiring). */
  reminded: number;
  /** Notices that no longer hold (policy switched off or raised): forgotten, to be given again when due. */
  noticesWithdrawn: number;
  /** Tenants whose run failed (left claimed until the lease ends, then tried again). */
  failed: number;
}

export interface CleanupOptions {
  /** App passwords per statement, each batch in a transaction of its own (default 5 000). */
  batchSize?: number;
  /** How long a claimed tenant is left to the instance that claimed it, in seconds (default an hour). */
  leaseSeconds?: number;
  /** A tenant's run failed; the others go on. */
  onError?: (error: unknown, tenantId: string) => void;
}

/** A batch's keyset position: the last (time, id) it took. */
type Key = [Date | string, string];
const START: Key = ['-infinity', '00000000-0000-0000-0000-000000000000'];
/** What a batch did (`count`), how many rows it took (a full batch: there may be more) and the last one's key. */
interface Batch {
  count: number;
  taken: number;
  last: Key | null;
}
const unusedSince = unusedSinceSql('ap');

/**
 * The daily clean-up of app passwords: notices and revocations under the
 * tenant's revokeUnusedAfterDays, and expiry reminders. Every instance runs
 * it; a tenant's run is claimed through claim_tenant_job (once per UTC day,
 * another instance's claim is skipped), and each batch is a short
 * transaction of its own; revocations and reminders skip rows an app's
 * sign-in holds, and a notice is an insert into a table of its own, so
 * `/auth/basic` never waits on it. The rules are app-password-cleanup.rules.ts.
 */
export class AppPasswordCleanupService {
  private readonly batchSize: number;

  constructor(
    private readonly db: DataSource,
    private readonly options: CleanupOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
  }

  /**
   * Dry run: what switching revokeUnusedAfterDays to `days` today would
   * revoke on the first day it can (in 7 days, after the notices), if none of
   * them is used before.
   */
  async preview(reader: TenantReader, tenantId: string, days: number) {
    const problem = revokeUnusedAfterDaysProblem(days);
    if (problem) throw badInput(problem.replace('revokeUnusedAfterDays is off (null) or', 'days is'), 'days');
    const moments = unusedMoments(new Date(), days);
    const [row]: [{ count: number; owners: number }] = await reader.read(tenantId, (m) =>
      m.query(
        `SELECT count(*)::int AS count, count(DISTINCT ap.user_id)::int AS owners
           FROM app_passwords ap WHERE ap.tenant_id = $1 AND ${unusedSince} <= $2`,
        [tenantId, moments.noticeIfUnusedSince],
      ),
    );
    return { count: row.count, owners: row.owners, firstRevocationOn: moments.firstRevocationOn };
  }

  /** Runs the clean-up for every tenant due today (or only `tenantIds`), one after another; returns what it did. */
  async runDue(only: { tenantIds?: string[] } = {}): Promise<CleanupReport> {
    const report: CleanupReport = { tenants: 0, noticed: 0, revoked: 0, reminded: 0, noticesWithdrawn: 0, failed: 0 };
    for (;;) {
      const [{ tenantId }]: [{ tenantId: string | null }] = await this.db.query(
        'SELECT claim_tenant_job($1, $2, $3::uuid[]) AS "tenantId"',
        [CLEANUP_JOB, this.options.leaseSeconds ?? 3600, only.tenantIds ?? null],
      );
      if (!tenantId) return report;
      try {
        const done = await this.runTenant(tenantId);
        report.tenants += 1;
        report.noticed += done.noticed;
        report.revoked += done.revoked;
        report.reminded += done.reminded;
        report.noticesWithdrawn += done.noticesWithdrawn;
      } catch (error) {
        report.failed += 1;
        if (!this.options.onError) throw error;
        this.options.onError(error, tenantId);
      }
    }
  }

  /** One tenant's run, which this instance claimed; marked done at the end. */
  private async runTenant(tenantId: string) {
    const { policy, job } = await withTenant(this.db, tenantId, async (m) => {
      const [job]: Array<{ last_run_at: Date | null; noticed_through: Date | null }> = await m.query(
        'SELECT last_run_at, noticed_through FROM tenant_jobs WHERE tenant_id = $1 AND job = $2',
        [tenantId, CLEANUP_JOB],
      );
      return { policy: await m.findOneByOrFail(TenantPolicy, { tenantId }), job };
    });
    const now = new Date();
    const done = { noticed: 0, revoked: 0, reminded: 0, noticesWithdrawn: 0 };
    const days = policy.revokeUnusedAfterDays;
    const moments = days === null ? null : unusedMoments(now, days);
    const lastRunAt = job?.last_run_at ?? null;
    // Notices that no longer hold go first: with the policy off, all; changed since the last run, those it no longer makes
    // due within 7 days. (One older than its app password's last use is ignored, and replaced when due again.) Then the
    // notice run looks from the start, not from the last run's mark.
    const policyChanged = days === null || !lastRunAt || policy.updatedAt >= lastRunAt;
    if (policyChanged) {
      done.noticesWithdrawn = await this.inBatches(tenantId, (m, after) => this.withdrawNotices(m, tenantId, moments, after));
    }
    if (days !== null && moments) {
      const duePerPage = await sweepDensity(this.db, tenantId, moments);
      done.revoked =
        duePerPage !== null
          ? await revokeInBlockOrder(this.db, tenantId, moments, this.batchSize, duePerPage)
          : await this.inBatches(tenantId, (m, after) => this.revokeNoticed(m, tenantId, moments, after));
      // The first batch in the order of "unused since", from the last run's mark (before it, the index still holds an
      // entry for each app password just revoked, each a visit to its page); when it is full, maybe the rest by a sweep.
      const range: NoticeRange = { after: policyChanged ? null : (job?.noticed_through ?? null), through: moments.noticeIfUnusedSince };
      done.noticed = await this.inBatches(
        tenantId,
        (m, after) => this.notice(m, tenantId, days, range, after),
        async () =>
          (await noticeSweepIsCheaper(this.db, tenantId, range))
            ? noticeInBlockOrder(this.db, tenantId, days, range, this.batchSize)
            : null,
      );
    }
    if (policy.expiryReminders) {
      for (const reminder of EXPIRY_REMINDER_DAYS) {
        done.reminded += await this.inBatches(tenantId, (m, after) => this.remindOfExpiry(m, tenantId, reminder, now, after));
      }
    }
    // Done, and how far today's notices looked (the next run starts there).
    await withTenant(this.db, tenantId, (m) =>
      m.query(`UPDATE tenant_jobs SET last_run_at = now(), claimed_until = NULL, noticed_through = $3 WHERE tenant_id = $1 AND job = $2`, [
        tenantId,
        CLEANUP_JOB,
        moments?.noticeIfUnusedSince ?? null,
      ]),
    );
    return done;
  }

  /**
   * Runs `batch` in transactions of its own, from where the last one stopped, until one takes fewer than a full batch.
   * After a full first batch, `rest` may do the rest another way (returning how many), or not (null).
   */
  private async inBatches(
    tenantId: string,
    batch: (m: EntityManager, after: Key) => Promise<Batch>,
    rest?: () => Promise<number | null>,
  ): Promise<number> {
    let total = 0;
    let after = START;
    for (let first = true; ; first = false) {
      const { count, taken, last } = await withTenant(this.db, tenantId, (m) => batch(m, after));
      total += count;
      if (!last || taken < this.batchSize) return total;
      const others = first && rest ? await rest() : null;
      if (others !== null) return total + others;
      after = last;
    }
  }

  /**
   * One batch of rows in keyset order, `key` = [time, id] expressions of `from`, after `after`. `lock`: locked,
   * skipping rows another transaction holds (an app signing in right now).
   */
  private pick(q: SqlParams, from: string, key: [string, string], where: string, after: Key, lock = '', more = ''): string {
    return `SELECT ${key[1]} AS id, ${key[0]} AS key_at ${more} FROM ${from}
             WHERE ${where} AND (${key[0]}, ${key[1]}) > (${q.p(after[0])}::timestamptz, ${q.p(after[1])}::uuid)
             ORDER BY ${key[0]}, ${key[1]} LIMIT ${q.p(this.batchSize)} ${lock}`;
  }

  /** A statement over `picked` that counts `counted`, with the batch's last key. */
  private async countWithLast(m: EntityManager, q: SqlParams, ctes: string, counted: string): Promise<Batch> {
    const [row]: [{ count: number; taken: number; key_at: Date | null; id: string | null }] = await m.query(
      `WITH ${ctes}
       SELECT (SELECT count(*)::int FROM ${counted}) AS count, (SELECT count(*)::int FROM picked) AS taken, last.key_at, last.id
         FROM (SELECT 1) one LEFT JOIN (SELECT key_at, id FROM picked ORDER BY key_at DESC, id DESC LIMIT 1) last ON true`,
      q.values,
    );
    return { count: row.count, taken: row.taken, last: row.id ? [row.key_at!, row.id] : null };
  }

  private withdrawNotices(m: EntityManager, tenantId: string, moments: { noticeIfUnusedSince: Date } | null, after: Key) {
    const q = new SqlParams();
    const notDue = moments ? `AND ${unusedSince} > ${q.p(moments.noticeIfUnusedSince)}` : '';
    const from = 'app_password_unused_notices n JOIN app_passwords ap ON ap.id = n.app_password_id';
    return this.countWithLast(
      m,
      q,
      `picked AS (${this.pick(q, from, ['n.noticed_at', 'n.app_password_id'], `n.tenant_id = ${q.p(tenantId)} ${notDue}`, after)}),
       withdrawn AS (DELETE FROM app_password_unused_notices n USING picked WHERE n.app_password_id = picked.id RETURNING 1)`,
      'withdrawn',
    );
  }

  /** One batch of the app passwords due today in the notices' order (a tenant with few of them: unused-revocation.ts). */
  private async revokeNoticed(m: EntityManager, tenantId: string, moments: UnusedMoments, after: Key): Promise<Batch> {
    await lookUpByKey(m);
    const q = new SqlParams();
    const from = 'app_password_unused_notices n JOIN app_passwords ap ON ap.id = n.app_password_id';
    const picked: Array<{ id: string; key_at: Date; tid: string; notice_tid: string }> = await m.query(
      this.pick(
        q,
        from,
        ['n.noticed_at', 'n.app_password_id'],
        revocableSql(q, tenantId, moments),
        after,
        'FOR UPDATE OF ap SKIP LOCKED',
        ', ap.ctid::text AS tid, n.ctid::text AS notice_tid',
      ),
      q.values,
    );
    if (picked.length === 0) return { count: 0, taken: 0, last: null };
    const addresses = { at: picked.map((p) => p.tid), noticesAt: picked.map((p) => p.notice_tid) };
    const count = await revokePicked(m, tenantId, addresses, moments);
    const last = picked[picked.length - 1]!;
    return { count, taken: picked.length, last: [last.key_at, last.id] };
  }

  /**
   * Tells owners, once, of app passwords that will be due within 7 days: one without a notice, or whose notice is older
   * than its last use (replaced). In the order of "unused since" (most of a big tenant at once: unused-notices.ts).
   */
  private notice(m: EntityManager, tenantId: string, days: number, range: NoticeRange, after: Key) {
    const q = new SqlParams();
    const tenant = q.p(tenantId);
    const where = noticeDueSql(q, tenant, range);
    const pick = this.pick(q, 'app_passwords ap', [unusedSince, 'ap.id'], where, after, '', ', ap.name, ap.user_id');
    return this.countWithLast(m, q, `picked AS (${pick}), ${noticeCtes(q, tenant, days)}`, 'logged');
  }

  /** Reminds owners, once per reminder, of app passwords that expire within `reminder` days. */
  private remindOfExpiry(m: EntityManager, tenantId: string, reminder: ExpiryReminderDays, now: Date, after: Key) {
    const q = new SqlParams();
    const at = `${q.p(now)}::timestamptz`;
    const where = `ap.tenant_id = ${q.p(tenantId)} AND ap.expires_at IS NOT NULL AND ${expiryReminderDueSql('ap', reminder, at)}`;
    const days = q.p(reminder);
    return this.countWithLast(
      m,
      q,
      `picked AS (${this.pick(q, 'app_passwords ap', ['ap.expires_at', 'ap.id'], where, after, 'FOR UPDATE OF ap SKIP LOCKED')}),
       reminded AS (
         UPDATE app_passwords ap SET expiry_reminder_days = ${days}::smallint FROM picked WHERE ap.id = picked.id
         RETURNING ap.id, ap.name, ap.user_id, ap.tenant_id, ap.expires_at
       ), logged AS (
         INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, details)
         SELECT tenant_id, ${q.p(AuditAction.APP_PASSWORD_EXPIRING)}, 'system', user_id, id, name,
                jsonb_build_object('expiresAt', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                   'daysLeft', ${days}::int)
           FROM reminded
         RETURNING 1
       )`,
      'logged',
    );
  }
}
