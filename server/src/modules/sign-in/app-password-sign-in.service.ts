import { hash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import type { RequestInfo } from '../../common/context.js';
import type { ServerKeys } from '../../common/server-keys.js';
import type { WorkLimiter } from '../../common/work-limiter.js';
import { appPasswordLookupTag, normaliseAppPassword } from '../app-passwords/app-password.secret.js';
import type { Role } from '../users/user.entity.js';
import { AppPasswordConfirmations, type Candidate } from './app-password-confirmations.js';
import { MAX_AUTHORIZATION_LENGTH, parseBasicCredentials } from './basic-credentials.js';
import { SignInOutcome, type SignInLog } from './sign-in-log.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export type AppPasswordCheck =
  | { ok: true; userId: string; tenantId: string; signInName: string; role: Role; appPasswordId: string }
  | { ok: false; outcome: Exclude<SignInOutcome, 'SUCCESS'> | 'MALFORMED'; retryAfterSeconds?: number };

/** A remembered success, under the keyed hash of the Authorization header that earned it. */
interface CacheEntry {
  appPasswordId: string;
  /** The sign-in name as the app sent it (for the sign-in log), and lower-cased (to compare with the user's). */
  signInName: string;
  name: string;
  expiresAt: number;
}

const MAX_CACHE_ENTRIES = 20_000;

/**
 * Checks a sign-in name + app password, as sent by apps over HTTP Basic.
 *
 * Cold: the lookup tag finds the one candidate row (O(1) however many app
 * passwords the user has) and exactly one argon2 verification runs, also for
 * unknown names and unknown secrets, so timing reveals nothing. Warm: a
 * success is remembered for a short TTL under a keyed hash of the
 * Authorization header (name and secret as the app sends them), never the
 * secret itself, so a client that reconnects every few seconds skips argon2
 * and the header is not even decoded again; but every request still confirms
 * in PostgreSQL, by primary key, that the app password, its user and the
 * tenant policy allow it, so a delete, revoke, disable or policy change
 * elsewhere counts on the next request.
 */
export class AppPasswordSignInService {
  /** Observable counters for tests and metrics. */
  readonly stats = {
    argon2Verifications: 0,
    cacheHits: 0,
    cacheMisses: 0,
    /** Every check by how it ended: the sign-in log's outcomes, and MALFORMED (no usable Basic credentials, not logged). */
    outcomes: Object.fromEntries([...Object.values(SignInOutcome), 'MALFORMED'].map((o) => [o, 0])) as Record<
      SignInOutcome | 'MALFORMED',
      number
    >,
  };
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  /** Per process: the cache dies with the process, and so may its key. */
  private readonly cacheHashKey = randomBytes(32).toString('hex');
  private readonly confirmations: AppPasswordConfirmations;

  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
    private readonly throttle: SignInThrottle,
    private readonly log: SignInLog,
    private readonly argon2: WorkLimiter,
    private readonly cacheTtlMs: number,
  ) {
    this.confirmations = new AppPasswordConfirmations(db);
  }

  /** Throws OverloadedError when argon2 work is saturated; every other failure is a result. */
  async check(authorization: string | undefined, request: RequestInfo, options: { tenantId?: string } = {}): Promise<AppPasswordCheck> {
    this.inFlight++;
    try {
      return await this.checkNow(authorization, request, options.tenantId);
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  /**
   * Waits for the checks under way: their last-used writes and sign-in log
   * entries, including those of requests whose client has already gone, so
   * shutdown can close the pool after them.
   */
  async drain(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = undefined;
    await this.confirmations.settled();
  }

  /** Checks under way (for tests). */
  get checksInFlight(): number {
    return this.inFlight;
  }

  private async checkNow(authorization: string | undefined, request: RequestInfo, tenantId: string | undefined): Promise<AppPasswordCheck> {
    // Warm: the header exactly as it came last time, so nothing needs decoding again.
    const cacheKey =
      authorization && authorization.length <= MAX_AUTHORIZATION_LENGTH && this.cacheTtlMs > 0 ? this.cacheKeyOf(authorization) : undefined;
    const cached = cacheKey ? this.cache.get(cacheKey) : undefined;
    if (cacheKey && cached && cached.expiresAt > Date.now()) {
      this.stats.cacheHits++;
      return this.confirmRemembered(cacheKey, cached, request, tenantId);
    }

    const credentials = parseBasicCredentials(authorization);
    if (!credentials) {
      this.stats.outcomes.MALFORMED++;
      return { ok: false, outcome: 'MALFORMED' };
    }
    this.stats.cacheMisses++;
    const name = credentials.signInName.toLowerCase();
    const secret = normaliseAppPassword(credentials.password);

    // The reservation and the candidate lookup are independent: ask PostgreSQL both at once. The tag under
    // each server key (current first) finds an app password tagged before a key rotation too.
    const tags = secret ? this.keys.all.map((key) => appPasswordLookupTag(key, secret)) : [];
    const [reservation, rows] = await Promise.all([
      this.throttle.reserve(name, request.clientIp),
      // Sees every tenant: nobody is known yet (migration RowLevelSecurity).
      this.db.query('SELECT * FROM app_password_sign_in_candidate($1, $2::bytea[], $3::uuid)', [name, tags, tenantId ?? null]) as Promise<
        Candidate[]
      >,
    ]);
    if (!reservation.allowed) {
      this.record(credentials.signInName, SignInOutcome.THROTTLED, request);
      return { ok: false, outcome: SignInOutcome.THROTTLED, retryAfterSeconds: reservation.retryAfterSeconds };
    }
    const candidate = rows[0];

    // Exactly one argon2 verification per cold attempt, whatever the outcome.
    this.stats.argon2Verifications++;
    const matches = await this.argon2.run(() =>
      candidate?.secret_hash && secret ? verifySecret(candidate.secret_hash, secret) : verifyAgainstNothing(credentials.password),
    );

    if (!candidate) return this.fail(credentials.signInName, SignInOutcome.UNKNOWN_USER, request);
    if (!matches) return this.fail(credentials.signInName, SignInOutcome.WRONG_PASSWORD, request, candidate);
    if (candidate.refusal) return this.fail(credentials.signInName, candidate.refusal, request, candidate);

    await Promise.all([
      this.throttle.succeeded(name, request.clientIp),
      this.confirmations.touch(candidate, request.clientIp),
      candidate.lookup_tag && !candidate.lookup_tag.equals(tags[0]!)
        ? this.retag(candidate.app_password_id!, candidate.lookup_tag, tags[0]!)
        : undefined,
    ]);
    if (cacheKey) this.remember(cacheKey, candidate.app_password_id!, credentials.signInName, name);
    return this.succeed(credentials.signInName, request, candidate);
  }

  /** Tagged under a previous server key: tag it under the current one, so the old key can go one day. */
  private async retag(appPasswordId: string, oldTag: Buffer, newTag: Buffer): Promise<void> {
    await this.db.query('SELECT retag_app_password($1, $2, $3, $4)', [appPasswordId, oldTag, newTag, this.keys.currentId]);
  }

  /** The warm path: no argon2; a confirmation by primary key, shared with requests of the same moment. */
  private async confirmRemembered(
    cacheKey: string,
    { appPasswordId, signInName, name }: CacheEntry,
    request: RequestInfo,
    tenantId: string | undefined,
  ): Promise<AppPasswordCheck> {
    const candidate = await this.confirmations.confirm(appPasswordId);
    if (!candidate || candidate.email.toLowerCase() !== name) {
      this.cache.delete(cacheKey);
      return this.fail(signInName, SignInOutcome.REVOKED, request, candidate);
    }
    if (tenantId && candidate.tenant_id !== tenantId) return this.fail(signInName, SignInOutcome.UNKNOWN_USER, request);
    if (candidate.refusal) {
      this.cache.delete(cacheKey);
      return this.fail(signInName, candidate.refusal, request, candidate);
    }
    const touched = this.confirmations.touch(candidate, request.clientIp);
    if (touched) await touched;
    return this.succeed(signInName, request, candidate);
  }

  /**
   * SHA-256 over a per-process random key and the Authorization header (which
   * carries the name and the secret): a keyed hash that never leaves this
   * process, so length extension gives nobody anything, at a fifth of an
   * HMAC's cost on the hot path (one-shot hash). The same name and secret
   * sent differently (another case of "Basic") is another entry.
   */
  private cacheKeyOf(authorization: string): string {
    return hash('sha256', `${this.cacheHashKey}\0${authorization}`, 'base64');
  }

  private remember(cacheKey: string, appPasswordId: string, signInName: string, name: string): void {
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, { appPasswordId, signInName, name, expiresAt: Date.now() + this.cacheTtlMs });
  }

  private succeed(signInName: string, request: RequestInfo, c: Candidate): AppPasswordCheck {
    this.record(signInName, SignInOutcome.SUCCESS, request, c);
    return { ok: true, userId: c.user_id, tenantId: c.tenant_id, signInName: c.email, role: c.role, appPasswordId: c.app_password_id! };
  }

  private fail(signInName: string, outcome: Exclude<SignInOutcome, 'SUCCESS'>, request: RequestInfo, c?: Candidate): AppPasswordCheck {
    this.record(signInName, outcome, request, c);
    return { ok: false, outcome };
  }

  private record(signInName: string, outcome: SignInOutcome, request: RequestInfo, c?: Candidate): void {
    this.stats.outcomes[outcome]++;
    this.log.record({
      tenantId: c?.tenant_id ?? null,
      userId: c?.user_id ?? null,
      appPasswordId: c?.app_password_id ?? null,
      signInName,
      outcome,
      clientIp: request.clientIp,
      userAgent: request.userAgent,
    });
  }
}
