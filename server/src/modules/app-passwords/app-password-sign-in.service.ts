import type { DataSource } from 'typeorm';
import { verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import type { RequestInfo } from '../../common/context.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { OverloadedError, type WorkLimiter } from '../../common/work-limiter.js';
import { appPasswordLookupTag, normaliseAppPassword } from './app-password.secret.js';
import type { Role } from '../users/user.entity.js';
import { AppPasswordConfirmations, scopeOf, type Candidate } from './app-password-confirmations.js';
import { RememberedSignIns, type RememberedSignIn } from './remembered-sign-ins.js';
import { scopeRefusal, type ScopeQuestion } from './app-password-scope.js';
import { MAX_AUTHORIZATION_LENGTH, parseBasicCredentials, type BasicCredentials } from '../sign-in/basic-credentials.js';
import { SignInCredential, SignInOutcome, type SignInLog } from '../sign-in/sign-in-log.js';
import { passwordCounters, type BlockStarted, type SignInThrottle } from '../sign-in/sign-in-throttle.js';
import { recordUserBlocked } from '../sign-in/user-blocked.js';

export type AppPasswordCheck =
  | { ok: true; userId: string; tenantId: string; signInName: string; role: Role; appPasswordId: string }
  | { ok: false; outcome: Exclude<SignInOutcome, 'SUCCESS'> | 'MALFORMED'; retryAfterSeconds?: number };

/** A cold check's answer, with what the sign-in log needs to know about it. */
interface ColdCheck {
  check: AppPasswordCheck;
  candidate?: Candidate;
}

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
 *
 * Identical cold checks that arrive together (an app opening several
 * connections at once) share one answer: one throttle place, one argon2.
 */
export class AppPasswordSignInService {
  /** Observable counters for tests and metrics. */
  readonly stats = {
    argon2Verifications: 0,
    /** Cold checks answered by an identical one already under way. */
    sharedColdChecks: 0,
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
  private readonly remembered: RememberedSignIns;
  /** Cold checks under way, by header, client address and tenant asked for. */
  private readonly coldChecks = new Map<string, Promise<ColdCheck>>();
  private readonly confirmations: AppPasswordConfirmations;

  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
    private readonly throttle: SignInThrottle,
    private readonly log: SignInLog,
    private readonly argon2: WorkLimiter,
    cacheTtlMs: number,
    /** REQUIRE_SERVICE: every check must name the service it is for. */
    private readonly requireService = false,
  ) {
    this.confirmations = new AppPasswordConfirmations(db);
    this.remembered = new RememberedSignIns(cacheTtlMs);
  }

  /**
   * Every refusal is a result, "too busy" included (`BUSY`); only a broken
   * database throws. `service` is what the app signs in to (`imap`, …): the
   * app password must have it; without one, it must have every service the
   * tenant allows (and the operator may require one: REQUIRE_SERVICE).
   */
  async check(
    authorization: string | undefined,
    request: RequestInfo,
    options: { tenantId?: string; service?: string } = {},
  ): Promise<AppPasswordCheck> {
    this.inFlight++;
    try {
      return await this.checkNow(authorization, request, options.tenantId, options.service);
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
    await Promise.all([this.confirmations.settled(), this.throttle.settled()]);
  }

  /** Checks under way (for tests). */
  get checksInFlight(): number {
    return this.inFlight;
  }

  private async checkNow(
    authorization: string | undefined,
    request: RequestInfo,
    tenantId: string | undefined,
    service: string | undefined,
  ): Promise<AppPasswordCheck> {
    // The header exactly as it came: the warm cache's key, and what identical cold checks share.
    const headerKey = authorization && authorization.length <= MAX_AUTHORIZATION_LENGTH ? this.remembered.keyOf(authorization) : undefined;
    const cached = headerKey ? this.remembered.recall(headerKey) : undefined;
    if (headerKey && cached) {
      this.stats.cacheHits++;
      return this.confirmRemembered(headerKey, cached, request, tenantId, service);
    }

    const credentials = parseBasicCredentials(authorization);
    if (!headerKey || !credentials) {
      this.stats.outcomes.MALFORMED++;
      return { ok: false, outcome: 'MALFORMED' };
    }
    this.stats.cacheMisses++;
    const flightKey = `${headerKey}\0${request.clientIp ?? ''}\0${tenantId ?? ''}\0${service ?? ''}`;
    let cold = this.coldChecks.get(flightKey);
    if (cold) this.stats.sharedColdChecks++;
    else {
      cold = this.checkCold(credentials, request, tenantId, service, headerKey).finally(() => this.coldChecks.delete(flightKey));
      this.coldChecks.set(flightKey, cold);
    }
    const { check, candidate } = await cold;
    this.record(credentials.signInName, check.ok ? SignInOutcome.SUCCESS : (check.outcome as SignInOutcome), request, service, candidate);
    return check;
  }

  private async checkCold(
    credentials: BasicCredentials,
    request: RequestInfo,
    tenantId: string | undefined,
    service: string | undefined,
    headerKey: string,
  ): Promise<ColdCheck> {
    const name = credentials.signInName.toLowerCase();
    const secret = normaliseAppPassword(credentials.password);

    // The throttle and the candidate lookup are independent: ask PostgreSQL both at once. The tag under
    // each server key (current first) finds an app password tagged before a key rotation too.
    const tags = secret ? this.keys.all.map((key) => appPasswordLookupTag(key, secret)) : [];
    const [begun, found] = await Promise.allSettled([
      this.throttle.begin(passwordCounters('app_password', name, request.clientIp)),
      // Sees every tenant: nobody is known yet (migration RowLevelSecurity).
      this.db.query('SELECT * FROM app_password_sign_in_candidate($1, $2::bytea[], $3::uuid)', [name, tags, tenantId ?? null]) as Promise<
        Candidate[]
      >,
    ]);
    if (found.status === 'rejected') {
      // A place taken for nothing goes back (if the database lets it); the check fails closed.
      if (begun.status === 'fulfilled' && begun.value.allowed) await begun.value.refund().catch(() => undefined);
      throw found.reason;
    }
    if (begun.status === 'rejected') throw begun.reason;
    const [attempt, rows] = [begun.value, found.value];
    const candidate = rows[0];
    if (!attempt.allowed) {
      const outcome = attempt.reason === 'busy' ? SignInOutcome.BUSY : SignInOutcome.THROTTLED;
      return { check: { ok: false, outcome, retryAfterSeconds: attempt.retryAfterSeconds }, candidate };
    }

    // Exactly one argon2 verification per cold attempt, whatever the outcome.
    let matches: boolean;
    try {
      matches = await this.argon2.run(() =>
        candidate?.secret_hash && secret ? verifySecret(candidate.secret_hash, secret) : verifyAgainstNothing(credentials.password),
      );
      this.stats.argon2Verifications++;
    } catch (error) {
      await attempt.refund();
      if (!(error instanceof OverloadedError)) throw error;
      return { check: { ok: false, outcome: SignInOutcome.BUSY, retryAfterSeconds: 1 }, candidate };
    }

    if (!candidate || !matches) {
      const blocks = await attempt.failed();
      if (candidate) await this.onBlocks(blocks, candidate, request);
      return { check: { ok: false, outcome: candidate ? SignInOutcome.WRONG_PASSWORD : SignInOutcome.UNKNOWN_USER }, candidate };
    }
    // The right secret, refused by a rule (disabled, expired, switched off, another service or network): no guess, so nothing counts.
    const refusal = candidate.refusal ?? scopeRefusal(scopeOf(candidate), this.question(service, request));
    if (refusal) {
      await attempt.refund();
      return { check: { ok: false, outcome: refusal }, candidate };
    }

    // The answer is known: the app need not wait for the counters to be told.
    attempt.succeededLater();
    await Promise.all([
      this.confirmations.touch(candidate, request.clientIp, service),
      // A rotation's previous secret is not tagged again: it stops within a day anyway.
      !candidate.previous_secret && candidate.lookup_tag && !candidate.lookup_tag.equals(tags[0]!)
        ? this.retag(candidate.app_password_id!, candidate.lookup_tag, tags[0]!)
        : undefined,
      candidate.rotating ? this.confirmations.finishRotation(candidate, request.clientIp) : undefined,
    ]);
    this.remembered.remember(headerKey, candidate, credentials.signInName, name);
    return { check: this.success(candidate), candidate };
  }

  /** A failure that blocked the user's name everywhere (unknown devices): admins see it in the audit trail. */
  private async onBlocks(blocks: BlockStarted[], candidate: Candidate, request: RequestInfo): Promise<void> {
    const block = blocks.find((b) => b.scope === 'user');
    if (block) await recordUserBlocked(this.db, candidate, SignInCredential.APP_PASSWORD, block.seconds, request);
  }

  /** Tagged under a previous server key: tag it under the current one, so the old key can go one day. */
  private async retag(appPasswordId: string, oldTag: Buffer, newTag: Buffer): Promise<void> {
    await this.db.query('SELECT retag_app_password($1, $2, $3, $4)', [appPasswordId, oldTag, newTag, this.keys.currentId]);
  }

  /** The warm path: no argon2; a confirmation by primary key, shared with requests of the same moment. */
  private async confirmRemembered(
    cacheKey: string,
    { appPasswordId, secretVersion, signInName, name }: RememberedSignIn,
    request: RequestInfo,
    tenantId: string | undefined,
    service: string | undefined,
  ): Promise<AppPasswordCheck> {
    const candidate = await this.confirmations.confirm(appPasswordId);
    // Deleted, another user's name now, or this secret retired by a rotation (the new one used, or the overlap over).
    const retired = candidate && secretVersion !== candidate.secret_version && secretVersion !== candidate.previous_secret_version;
    if (!candidate || candidate.email.toLowerCase() !== name || retired) {
      this.remembered.forget(cacheKey);
      return this.fail(signInName, SignInOutcome.REVOKED, request, service, candidate);
    }
    if (tenantId && candidate.tenant_id !== tenantId) return this.fail(signInName, SignInOutcome.UNKNOWN_USER, request, service);
    if (candidate.refusal) {
      this.remembered.forget(cacheKey);
      return this.fail(signInName, candidate.refusal, request, service, candidate);
    }
    // Refused for this service or address only: the same app password may be right for another, so it stays remembered.
    const refusal = scopeRefusal(scopeOf(candidate), this.question(service, request));
    if (refusal) return this.fail(signInName, refusal, request, service, candidate);
    const touched = this.confirmations.touch(candidate, request.clientIp, service);
    if (touched) await touched;
    return this.succeed(signInName, request, service, candidate);
  }

  private question(service: string | undefined, request: RequestInfo): ScopeQuestion {
    return { service, clientIp: request.clientIp, requireService: this.requireService };
  }

  private success(c: Candidate): AppPasswordCheck {
    return { ok: true, userId: c.user_id, tenantId: c.tenant_id, signInName: c.email, role: c.role, appPasswordId: c.app_password_id! };
  }

  private succeed(signInName: string, request: RequestInfo, service: string | undefined, c: Candidate): AppPasswordCheck {
    this.record(signInName, SignInOutcome.SUCCESS, request, service, c);
    return this.success(c);
  }

  private fail(
    signInName: string,
    outcome: Exclude<SignInOutcome, 'SUCCESS'>,
    request: RequestInfo,
    service: string | undefined,
    c?: Candidate,
  ): AppPasswordCheck {
    this.record(signInName, outcome, request, service, c);
    return { ok: false, outcome };
  }

  private record(signInName: string, outcome: SignInOutcome, request: RequestInfo, service: string | undefined, c?: Candidate): void {
    this.stats.outcomes[outcome]++;
    this.log.record({
      tenantId: c?.tenant_id ?? null,
      userId: c?.user_id ?? null,
      appPasswordId: c?.app_password_id ?? null,
      signInName,
      method: SignInCredential.APP_PASSWORD,
      outcome,
      clientIp: request.clientIp,
      userAgent: request.userAgent,
      service: service ?? null,
    });
  }
}
