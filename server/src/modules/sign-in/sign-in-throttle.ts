import type { DataSource } from 'typeorm';
import { ErrorCode } from '@app-passwords/schema';
import { AppError } from '../../common/errors.js';

interface Rule {
  /** Failures allowed within the window; the next one starts a block. */
  maxFailures: number;
  windowSeconds: number;
  /** First block; each block after it lasts twice as long (up to a day). Null: until the user signs in to the console. */
  blockSeconds: number | null;
}

/** The three counters every throttle keeps: per sign-in name and client IP, per client IP, per sign-in name. */
export interface ThrottleRules {
  nameAndIp: Rule;
  ip: Rule;
  name: Rule;
}

/**
 * App-password checks (`/auth/basic`, Basic on GraphQL), with counters shared
 * by every instance through PostgreSQL:
 * - per sign-in name and client IP: 10 failures per 15 minutes, then blocked
 *   15 minutes, 30, 60 … (up to a day; the streak is forgotten a day after
 *   the last block ends);
 * - per client IP: 100 failures per 15 minutes, then blocked the same way;
 * - per sign-in name: 100 consecutive failures (NIST SP 800-63B), then
 *   app-password sign-ins for that name stop until the user signs in to the
 *   console, which needs the user's attention but cannot lock them out.
 */
export const THROTTLE_RULES: ThrottleRules = {
  nameAndIp: { maxFailures: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  ip: { maxFailures: 100, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  name: { maxFailures: 100, windowSeconds: 10 * 365 * 24 * 3600, blockSeconds: null },
};

/**
 * Console sign-ins (password, then the two-step code), counted apart from app
 * passwords: the same limits per name and IP and per IP, but 100 consecutive
 * failures for a name block it for an hour (doubling, up to a day), never
 * until the user acts: that would let anyone lock a user out of the one place
 * where they could act.
 */
export const CONSOLE_THROTTLE_RULES: ThrottleRules = {
  nameAndIp: THROTTLE_RULES.nameAndIp,
  ip: THROTTLE_RULES.ip,
  name: { maxFailures: 100, windowSeconds: 10 * 365 * 24 * 3600, blockSeconds: 3600 },
};

const MAX_BLOCK_SECONDS = 24 * 3600;
/** Retry-After for a block that lasts until the user acts. */
const UNTIL_USER_ACTS_RETRY_AFTER = 3600;

/** node-postgres parses timestamptz to a Date, but 'infinity' to the number Infinity. */
function epochMs(value: Date | number | null): number | null {
  if (value === null) return null;
  return value instanceof Date ? value.getTime() : value;
}

export type Reservation = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class SignInThrottle {
  /**
   * `prefix` keeps the counters of different kinds of sign-in apart in the one
   * table (app passwords use none: `name+ip:…`, `ip:…`, `name:…`).
   */
  constructor(
    private readonly db: DataSource,
    private readonly rules: ThrottleRules = THROTTLE_RULES,
    private readonly prefix = '',
  ) {}

  private keysFor(signInName: string, clientIp: string | null) {
    const name = signInName.trim().toLowerCase();
    const ip = clientIp ?? 'unknown';
    const p = this.prefix;
    return { nameAndIp: `${p}name+ip:${name}|${ip}`, ip: `${p}ip:${ip}`, name: `${p}name:${name}` };
  }

  /**
   * Counts this attempt as a failure *before* its password is checked, so
   * parallel attempts on any number of instances can never get past the limit:
   * the counter is atomic per row, and exactly `maxFailures` attempts per
   * window reach argon2. A success gives its point back (`succeeded`).
   */
  async reserve(signInName: string, clientIp: string | null): Promise<Reservation> {
    const keys = this.keysFor(signInName, clientIp);
    const entries = (Object.keys(keys) as Array<keyof typeof keys>).map((k) => ({ key: keys[k], ...this.rules[k] }));
    const now = Date.now();
    // Rows are locked in one order everywhere (COLLATE "C"), so concurrent attempts never deadlock.
    // While any of the three counters is blocked, the attempt is refused and counts nowhere: a blocked
    // IP cannot keep feeding the per-name counter and stop the user's app passwords.
    const rows: Array<{ key: string; failures: number; max_failures: number; blocked_until: Date | number | null }> = await this.db.query(
      `INSERT INTO sign_in_throttles AS t (key, failures, max_failures, window_seconds, block_seconds)
       SELECT key, 1, max_failures, window_seconds, block_seconds
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS k(key, max_failures, window_seconds, block_seconds)
        WHERE NOT EXISTS (SELECT 1 FROM sign_in_throttles b WHERE b.key = ANY($1) AND b.blocked_until > now())
        ORDER BY key COLLATE "C"
       ON CONFLICT (key) DO UPDATE SET
         -- ON CONFLICT sees the row's latest version, also when a parallel attempt blocked it after this
         -- statement's snapshot was taken (and so after the NOT EXISTS above): then nothing counts here.
         failures = CASE
           WHEN t.blocked_until > now() THEN t.failures
           WHEN t.window_started_at < now() - make_interval(secs => t.window_seconds) THEN 1
           ELSE t.failures + 1 END,
         window_started_at = CASE
           WHEN t.blocked_until > now() THEN t.window_started_at
           WHEN t.window_started_at < now() - make_interval(secs => t.window_seconds) THEN now()
           ELSE t.window_started_at END,
         max_failures = EXCLUDED.max_failures,
         window_seconds = EXCLUDED.window_seconds,
         block_seconds = EXCLUDED.block_seconds,
         updated_at = now()
       RETURNING key, failures, max_failures, blocked_until`,
      [
        entries.map((e) => e.key),
        entries.map((e) => e.maxFailures),
        entries.map((e) => e.windowSeconds),
        entries.map((e) => e.blockSeconds),
      ],
    );
    const blockedUntil: number[] = [];
    if (rows.length === 0) {
      const blocked: Array<{ blocked_until: Date | number }> = await this.db.query(
        'SELECT blocked_until FROM sign_in_throttles WHERE key = ANY($1) AND blocked_until > now()',
        [entries.map((e) => e.key)],
      );
      // A block that ended between the two statements: refuse this once, the next attempt counts again.
      blockedUntil.push(...(blocked.length > 0 ? blocked.map((r) => epochMs(r.blocked_until)!) : [now + 1000]));
    } else {
      const isBlocked = (r: (typeof rows)[number]) => (epochMs(r.blocked_until) ?? 0) > now;
      blockedUntil.push(...rows.filter(isBlocked).map((r) => epochMs(r.blocked_until)!));
      const exceeded = rows.filter((r) => r.failures > r.max_failures && !isBlocked(r));
      if (exceeded.length > 0) blockedUntil.push(...(await this.block(exceeded.map((r) => r.key))));
    }
    if (blockedUntil.length === 0) return { allowed: true };
    const until = Math.max(...blockedUntil);
    const retryAfterSeconds = Number.isFinite(until) ? Math.max(1, Math.ceil((until - now) / 1000)) : UNTIL_USER_ACTS_RETRY_AFTER;
    return { allowed: false, retryAfterSeconds };
  }

  /** Starts (or doubles) a block for keys past their limit; returns when each ends (ms since the epoch, Infinity: until the user acts). */
  private async block(keys: string[]): Promise<number[]> {
    // Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE, plain rows for a SELECT.
    const rows: Array<{ blocked_until: Date | number }> = await this.db.query(
      `WITH locked AS (
         SELECT key FROM sign_in_throttles WHERE key = ANY($1) ORDER BY key COLLATE "C" FOR UPDATE
       ), blocked AS (
         UPDATE sign_in_throttles t SET
           blocks = CASE WHEN t.blocked_until IS NULL OR t.blocked_until < now() - interval '1 day' THEN 1 ELSE t.blocks + 1 END,
           blocked_until = CASE WHEN t.block_seconds IS NULL THEN 'infinity'::timestamptz
             ELSE now() + make_interval(secs => least($2::int, t.block_seconds * 2 ^ (
               CASE WHEN t.blocked_until IS NULL OR t.blocked_until < now() - interval '1 day' THEN 0 ELSE t.blocks END))) END,
           failures = 0,
           window_started_at = now()
          FROM locked
         WHERE t.key = locked.key AND t.failures > t.max_failures AND (t.blocked_until IS NULL OR t.blocked_until <= now())
         RETURNING t.blocked_until)
       SELECT blocked_until FROM blocked`,
      [keys, MAX_BLOCK_SECONDS],
    );
    // A parallel attempt may have started the block first; either way the attempt is refused.
    return rows.length > 0 ? rows.map((r) => epochMs(r.blocked_until)!) : [Date.now() + 1000];
  }

  /** A correct password: its reserved point comes back, and the name's streaks end. */
  async succeeded(signInName: string, clientIp: string | null): Promise<void> {
    const keys = this.keysFor(signInName, clientIp);
    await this.db.query(
      `WITH locked AS (
         SELECT key FROM sign_in_throttles WHERE key = ANY($1) ORDER BY key COLLATE "C" FOR UPDATE
       )
       UPDATE sign_in_throttles t SET
         failures = CASE WHEN t.key = $2 THEN greatest(t.failures - 1, 0) ELSE 0 END,
         blocks = CASE WHEN t.key = $2 THEN t.blocks ELSE 0 END
        FROM locked
       WHERE t.key = locked.key AND (t.blocked_until IS NULL OR t.blocked_until <= now())`,
      [[keys.nameAndIp, keys.ip, keys.name], keys.ip],
    );
  }

  /** The user signed in to the console: app passwords may be tried again under this name. */
  async clearName(signInName: string): Promise<void> {
    const { name } = this.keysFor(signInName, null);
    await this.db.query('DELETE FROM sign_in_throttles WHERE key = $1', [name]);
  }

  /** Forgets counters that have been quiet for two days. */
  async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM sign_in_throttles
        WHERE updated_at < now() - interval '2 days' AND (blocked_until IS NULL OR blocked_until < now())`,
    );
  }
}

/** Too many failed attempts for this name or from this address: try again after `retryAfterSeconds`. */
export function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, 'Too many failed attempts. Wait a while, then try again.', { retryAfterSeconds });
}
