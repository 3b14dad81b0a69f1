import { UNUSED_NOTICE_DAYS } from '@app-passwords/schema';

/**
 * When the daily clean-up tells owners and revokes unused app passwords, and
 * when it reminds them of an expiry. Days are UTC calendar days: the job runs
 * once per UTC day per tenant, so "the notice names a date, and that day's
 * run revokes" holds whatever hour the run happens at.
 *
 * An app password is unused since its last use, or its creation when it was
 * never used. With the policy at N days, it is due on the first day it has
 * been unused N days (`dueOn`). Its owner is told once when that day is at
 * most 7 days away, and it is revoked on
 * `revokeOn = max(dueOn, day of the notice + 7)`: never without a notice,
 * never sooner than 7 days after it (switching the policy on revokes nothing
 * for 7 days). Used again, the notice is forgotten (a trigger in the
 * database), and the count starts again.
 */

const DAY_MS = 24 * 3600 * 1000;

/** Midnight UTC of the day `at` falls on. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** `YYYY-MM-DD` of a UTC midnight. */
export const isoDay = (day: Date): string => day.toISOString().slice(0, 10);

const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

/** The moments a run on the day of `now` compares an app password's times with, for a policy of `days`. */
export interface UnusedMoments {
  /** Unused since this moment or earlier: due within 7 days, so its owner is told today (once). */
  noticeIfUnusedSince: Date;
  /** Unused since this moment or earlier: due today. */
  revokeIfUnusedSince: Date;
  /** Told before this moment: 7 days or more ago. */
  revokeIfNoticedBefore: Date;
  /** The soonest any app password can be revoked after a notice today. */
  firstRevocationOn: string;
}

export function unusedMoments(now: Date, days: number): UnusedMoments {
  const today = startOfUtcDay(now);
  return {
    noticeIfUnusedSince: addDays(today, UNUSED_NOTICE_DAYS - days),
    revokeIfUnusedSince: addDays(today, -days),
    revokeIfNoticedBefore: addDays(today, 1 - UNUSED_NOTICE_DAYS),
    firstRevocationOn: isoDay(addDays(today, UNUSED_NOTICE_DAYS)),
  };
}

/** The day an app password unused since `unusedSince` is revoked, when its owner was told on the day of `noticedAt`. */
export function revokeOn(unusedSince: Date, days: number, noticedAt: Date): string {
  const unusedEnough = addDays(unusedSince, days);
  const dueOn = startOfUtcDay(unusedEnough).getTime() === unusedEnough.getTime() ? unusedEnough : addDays(startOfUtcDay(unusedEnough), 1);
  const noticeOver = addDays(startOfUtcDay(noticedAt), UNUSED_NOTICE_DAYS);
  return isoDay(dueOn > noticeOver ? dueOn : noticeOver);
}

/** The same day in SQL, for `unusedSince` (an expression), policy `days` and the notice's `noticedAt` (parameters or expressions). */
export function revokeOnSql(unusedSince: string, days: string, noticedAt: string): string {
  const dueOn = `((((${unusedSince}) + make_interval(days => ${days})) AT TIME ZONE 'UTC') - interval '1 microsecond')::date + 1`;
  return `greatest(${dueOn}, ((${noticedAt}) AT TIME ZONE 'UTC')::date + ${UNUSED_NOTICE_DAYS})`;
}

/**
 * An app password's "unused since" (its last use, or its creation when never used), in SQL over `ap`: the stored
 * column `coalesce(last_used_at, created_at)` (migration UnusedSinceColumn), which index
 * app_passwords_tenant_id_unused_since_idx serves under row-level security, where the expression would be a filter.
 */
export const unusedSinceSql = (ap: string) => `${ap}.unused_since`;

/**
 * Expiry reminders, latest first: each is sent once, when the app password
 * expires within that many days (and has not yet), and only to app passwords
 * that lived longer than that (one made to last 10 days gets no "14 days
 * left"). A later reminder replaces an earlier one that was never sent.
 */
export const EXPIRY_REMINDER_DAYS = [3, 14] as const;
export type ExpiryReminderDays = (typeof EXPIRY_REMINDER_DAYS)[number];

/** Which reminder is due now for an app password, or null. `sent`: the last one sent (14 or 3), null: none. */
export function expiryReminderDue(
  appPassword: { createdAt: Date; expiresAt: Date | null; sent: ExpiryReminderDays | null },
  now: Date,
): ExpiryReminderDays | null {
  const { createdAt, expiresAt, sent } = appPassword;
  if (!expiresAt || expiresAt <= now) return null;
  for (const days of EXPIRY_REMINDER_DAYS) {
    const from = addDays(expiresAt, -days);
    if (now >= from && createdAt < from && (sent === null || sent > days)) return days;
  }
  return null;
}

/** The SQL condition of `expiryReminderDue(...) === days` over `ap`, with `now` a parameter. */
export function expiryReminderDueSql(ap: string, days: ExpiryReminderDays, now: string): string {
  const from = `${ap}.expires_at - interval '${days} days'`;
  const later = EXPIRY_REMINDER_DAYS.filter((d) => d < days);
  return `${ap}.expires_at > ${now} AND ${now} >= ${from} AND ${ap}.created_at < ${from}
          AND (${ap}.expiry_reminder_days IS NULL OR ${ap}.expiry_reminder_days > ${days})
          ${later.map((d) => `AND NOT (${now} >= ${ap}.expires_at - interval '${d} days' AND ${ap}.created_at < ${ap}.expires_at - interval '${d} days')`).join(' ')}`;
}
