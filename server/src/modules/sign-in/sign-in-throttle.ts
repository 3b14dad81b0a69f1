import type { DataSource } from 'typeorm';
import { throttleAddress } from '../../common/client-address.js';

/** One failure counter: how many failures it allows, and how it blocks after that. */
export interface Rule {
  /** Failures allowed within the window; the one that reaches this number starts a block. */
  maxFailures: number;
  windowSeconds: number;
  /** The first block; each block within a day of the last one lasts twice as long, up to a day. */
  blockSeconds: number;
}

/** What a counter stands for, as metrics and the audit trail name it. */
export type CounterScope = 'device' | 'address' | 'user' | 'pending_sign_in';

export interface Counter {
  key: string;
  scope: CounterScope;
  rule: Rule;
}

/** What kind of sign-in a set of counters throttles. */
export type ThrottledKind = 'app_password' | 'console' | 'two_step_code';

/** The counters one attempt answers to. `knownDevice`: the first counter's key, exempting a device that succeeded before. */
export interface ThrottleCounters {
  kind: ThrottledKind;
  counters: Counter[];
  knownDevice?: string;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;
const MAX_BLOCK_SECONDS = DAY;

/**
 * Passwords (app passwords at `/auth/basic` and Basic on GraphQL; the primary
 * password in the console), counted per kind:
 * - per sign-in name and address (a device): 10 failures per 15 minutes,
 *   then blocked 15 minutes, 30, 60 … up to a day;
 * - per address: 100 failures per 15 minutes, then blocked the same way;
 * - per sign-in name (the user): 100 failures in a row from anywhere (NIST
 *   SP 800-63B), then blocked an hour, two … up to a day. Never for good:
 *   that would let anyone lock a user out.
 * A device that signed in successfully in the last 90 days answers only to
 * its own counter, so an attack from elsewhere never stops a known printer.
 * IPv6 addresses count per /64 (one subscriber's network).
 */
export const PASSWORD_RULES = {
  device: { maxFailures: 10, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  address: { maxFailures: 100, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE },
  user: { maxFailures: 100, windowSeconds: 10 * 365 * DAY, blockSeconds: HOUR },
} satisfies Record<string, Rule>;

/**
 * The two-step code (or recovery code) of a console sign-in, counted apart
 * from passwords so that entering the right password again never resets it:
 * 10 wrong codes in a row lock code entry for the user, from anywhere, for 15
 * minutes, 30 … up to a day; a pending sign-in takes 5 wrong codes, then
 * it ends and the password must be entered again (which never resets the
 * user's count).
 */
export const TWO_STEP_CODE_RULES = {
  user: { maxFailures: 10, windowSeconds: 10 * 365 * DAY, blockSeconds: 15 * MINUTE },
  pendingSignIn: { maxFailures: 5, windowSeconds: 5 * MINUTE, blockSeconds: 5 * MINUTE },
} satisfies Record<string, Rule>;

/** The counters of a password attempt. App passwords keep their historical keys (`name+ip:…`); the console's are prefixed. */
export function passwordCounters(kind: 'app_password' | 'console', signInName: string, clientIp: string | null): ThrottleCounters {
  const name = signInName.trim().toLowerCase();
  const address = throttleAddress(clientIp);
  const p = kind === 'console' ? 'console:' : '';
  const device = `${p}name+ip:${name}|${address}`;
  return {
    kind,
    counters: [
      { key: device, scope: 'device', rule: PASSWORD_RULES.device },
      { key: `${p}ip:${address}`, scope: 'address', rule: PASSWORD_RULES.address },
      { key: `${p}name:${name}`, scope: 'user', rule: PASSWORD_RULES.user },
    ],
    knownDevice: device,
  };
}

export function twoStepCodeCounters(userId: string, pendingSignInId: string): ThrottleCounters {
  return {
    kind: 'two_step_code',
    counters: [
      { key: `two-step:user:${userId}`, scope: 'user', rule: TWO_STEP_CODE_RULES.user },
      { key: `two-step:pending:${pendingSignInId}`, scope: 'pending_sign_in', rule: TWO_STEP_CODE_RULES.pendingSignIn },
    ],
  };
}

/** A block that a failure just started. */
export interface BlockStarted {
  scope: CounterScope;
  seconds: number;
}

/** An attempt let through: settle it exactly once. */
export interface Attempt {
  allowed: true;
  /** The answer was right: its counters give their place back, and the streaks of its device and user end. */
  succeeded(): Promise<void>;
  /**
   * The same, after the answer has gone: nothing about a right answer depends
   * on it. Until it lands the place stays taken, which only makes a parallel
   * attempt wait a moment longer; `settled()` waits for it.
   */
  succeededLater(): void;
  /** The answer was wrong: one failure on every counter; returns the blocks it started. */
  failed(): Promise<BlockStarted[]>;
  /** Nothing was decided (the server was busy, or broke): the place comes back, nothing counts. */
  refund(): Promise<void>;
}

export type Refusal = { allowed: false; reason: 'blocked' | 'busy'; retryAfterSeconds: number };

/** How long an attempt waits for attempts in flight before it is answered "busy". */
const DEFAULT_MAX_WAIT_MS = 5000;
/** In-flight places of an instance that died mid-check are forgotten after this long without movement. */
const STALE_IN_FLIGHT_SECONDS = 60;

/**
 * Failure counters shared by every instance through PostgreSQL. Each counter
 * keeps failures apart from attempts still being checked (in flight): an
 * attempt goes ahead only while failures + attempts in flight stay under the
 * limit, so parallel attempts can never check more guesses than the limit
 * allows, yet a correct attempt never counts as a failure, however many run
 * at once. An attempt that finds the budget held by attempts in flight
 * waits for them (a right one gives its place back at once) instead of being
 * refused; only a block refuses.
 *
 * The limits are the rules above; the counting runs in two PostgreSQL
 * functions, `begin_sign_in_attempt` and `settle_sign_in_attempt` (migration
 * 1796300000000-SignInHardening: how a block starts and doubles, when a
 * stale place is forgotten), one round trip each with cached plans.
 */
export class SignInThrottle {
  /** Attempts of this instance waiting for a place, by counter key: woken as places come back here. */
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Successes being settled after their answer went out. */
  private readonly settling = new Set<Promise<void>>();
  /** Blocks started by this instance, by kind of sign-in and counter (for metrics). */
  readonly blocksStarted = new Map<`${ThrottledKind}|${CounterScope}`, number>();

  constructor(
    private readonly db: DataSource,
    /** A success settled after its answer could not be written (its place comes back once stale). */
    private readonly onLateError: (error: unknown) => void = () => undefined,
    private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS,
  ) {}

  /** Resolves once every success settled after its answer has landed (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.settling.size > 0) await Promise.all(this.settling);
  }

  async begin({ kind, counters, knownDevice }: ThrottleCounters): Promise<Attempt | Refusal> {
    const deadline = Date.now() + this.maxWaitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
      const [row]: Array<{ verdict: 'ALLOWED' | 'BLOCKED' | 'WAIT'; ends_at: Date | null; known_device: boolean }> = await this.db.query(
        'SELECT * FROM begin_sign_in_attempt($1::text[], $2::int[], $3::int[], $4::int[], $5, $6)',
        [
          counters.map((c) => c.key),
          counters.map((c) => c.rule.maxFailures),
          counters.map((c) => c.rule.windowSeconds),
          counters.map((c) => c.rule.blockSeconds),
          knownDevice ?? null,
          STALE_IN_FLIGHT_SECONDS,
        ],
      );
      if (row!.verdict === 'ALLOWED') return this.attempt(kind, row!.known_device ? counters.slice(0, 1) : counters, knownDevice);
      if (row!.verdict === 'BLOCKED') {
        return {
          allowed: false,
          reason: 'blocked',
          retryAfterSeconds: Math.max(1, Math.ceil((row!.ends_at!.getTime() - Date.now()) / 1000)),
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return { allowed: false, reason: 'busy', retryAfterSeconds: 1 };
      // Woken when a place comes back on this instance; polls for places held by other instances.
      await this.waitForPlace(counters, Math.min(pause, left));
    }
  }

  /** Forgets counters quiet for two days and devices not seen for 90. */
  async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM sign_in_throttles
        WHERE updated_at < now() - interval '2 days' AND (blocked_until IS NULL OR blocked_until < now())`,
    );
    await this.db.query(`DELETE FROM known_sign_in_devices WHERE last_success_at < now() - interval '90 days'`);
  }

  /** The user signed in to the console: the streak and any block of their name's app-password counter end. */
  async clearUser(signInName: string): Promise<void> {
    const user = passwordCounters('app_password', signInName, null).counters.find((c) => c.scope === 'user')!;
    await this.db.query('DELETE FROM sign_in_throttles WHERE key = $1', [user.key]);
  }

  private attempt(kind: ThrottledKind, counters: Counter[], knownDevice: string | undefined): Attempt {
    const keys = counters.map((c) => c.key);
    let settled = false;
    const settle = async (outcome: 'succeeded' | 'failed' | 'refund'): Promise<BlockStarted[]> => {
      if (settled) throw new Error('A sign-in attempt was settled twice.');
      settled = true;
      let blocks: BlockStarted[] = [];
      try {
        blocks = await this.settle(counters, outcome, outcome === 'succeeded' ? knownDevice : undefined);
        for (const { scope } of blocks) this.blocksStarted.set(`${kind}|${scope}`, (this.blocksStarted.get(`${kind}|${scope}`) ?? 0) + 1);
        return blocks;
      } finally {
        // One place came back on each counter: the longest waiting attempt tries again. A block answers them all.
        this.wake(keys, blocks.length > 0);
      }
    };
    return {
      allowed: true,
      succeeded: async () => void (await settle('succeeded')),
      succeededLater: () => {
        const late: Promise<void> = settle('succeeded').then(
          () => undefined,
          (error: unknown) => this.onLateError(error),
        );
        this.settling.add(late);
        void late.finally(() => this.settling.delete(late));
      },
      failed: () => settle('failed'),
      refund: async () => void (await settle('refund')),
    };
  }

  private async settle(counters: Counter[], outcome: 'succeeded' | 'failed' | 'refund', knownDevice: string | undefined) {
    // Streaks that a success ends: the device's and the user's (an address's failures belong to everyone behind it).
    const streaks = counters.filter((c) => c.scope !== 'address').map((c) => c.key);
    const rows: Array<{ blocked_key: string; blocked_for: number }> = await this.db.query(
      'SELECT * FROM settle_sign_in_attempt($1::text[], $2, $3::text[], $4, $5)',
      [counters.map((c) => c.key), outcome, streaks, MAX_BLOCK_SECONDS, knownDevice ?? null],
    );
    return rows.map((r) => ({ scope: counters.find((c) => c.key === r.blocked_key)!.scope, seconds: Math.round(r.blocked_for) }));
  }

  private waitForPlace(counters: Counter[], ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const c of counters) {
          const set = this.waiting.get(c.key);
          set?.delete(done);
          if (set?.size === 0) this.waiting.delete(c.key);
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      for (const c of counters) {
        let set = this.waiting.get(c.key);
        if (!set) this.waiting.set(c.key, (set = new Set()));
        set.add(done);
      }
    });
  }

  /** A place came back on these counters: the attempt waiting longest for each tries again now (`all`: every one). */
  private wake(keys: string[], all: boolean): void {
    for (const key of keys) {
      const set = this.waiting.get(key);
      if (!set) continue;
      // Sets keep insertion order; a woken attempt leaves every set it was in.
      for (const done of all ? [...set] : [...set].slice(0, 1)) done();
    }
  }
}
