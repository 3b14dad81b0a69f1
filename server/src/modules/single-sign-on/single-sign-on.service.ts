import { SsoFailure } from '@app-passwords/schema';
import type { DataSource } from 'typeorm';
import type { RequestInfo, SessionActor } from '../../common/context.js';
import type { Logger } from '../../common/logger.js';
import { withTenant } from '../../db/tenant-scope.js';
import type { ConsoleAttempts, StepSubject } from '../sign-in/console-attempts.js';
import type { SessionService, SignedInUser } from '../sign-in/session.service.js';
import { SignInCredential, SignInOutcome } from '../sign-in/sign-in-log.js';
import { User, UserStatus } from '../users/user.entity.js';
import { UserCreation } from './identity-provider.entity.js';
import {
  claimedSignInName,
  domainOf,
  failureOf,
  OIDC_START_PATH,
  secondFactorAtProvider,
  signInNameFrom,
  signInOutcomeOf,
} from './identity-provider.rules.js';
import type { IdentityProviderService, ProviderForSignIn } from './identity-provider.service.js';
import { authorizationRequest, discover, redeemCode } from './oidc-client.js';
import { confirmSessionAtProvider } from './session-confirmation.js';
import { SIGN_IN_STATE_TTL_MS, type SignInState } from './sign-in-state.js';
import type { SignInOptions } from './single-sign-on.types.js';

/** Creates a user who signed in through the provider for the first time (CREATE_ON_FIRST_SIGN_IN); null when the name is taken elsewhere. */
export type CreateUserOnFirstSignIn = (
  tenantId: string,
  signInName: string,
  displayName: string,
  request: RequestInfo,
) => Promise<SignedInUser | null>;

/** Where a round trip ends: a new session, a session confirmed again, or a failure with its stable code. */
export type RoundTripEnd =
  | { outcome: 'signed_in'; token: string; next: string }
  | { outcome: 'reauthenticated'; next: string }
  | { outcome: 'failed'; failure: SsoFailure; next: string | null };

/** Who a sign-in log entry is about: the name in the tenant, and its user when one has it. */
function subjectOf(tenantId: string, signInName: string, user: User | null): StepSubject {
  return {
    signInName,
    method: SignInCredential.SINGLE_SIGN_ON,
    tenantId,
    ...(user ? { user: { tenant_id: tenantId, user_id: user.id } } : {}),
  };
}

class RoundTripFailure extends Error {
  constructor(readonly failure: SsoFailure) {
    super(failure);
  }
}

const fail = (failure: SsoFailure): never => {
  throw new RoundTripFailure(failure);
};

/**
 * Console sign-in through the tenant's OpenID Connect provider: the
 * authorization code flow with PKCE, `state` and `nonce`, every check of the
 * answer done by openid-client; then the usual server-side session.
 */
export class SingleSignOnService {
  constructor(
    private readonly db: DataSource,
    private readonly providers: IdentityProviderService,
    private readonly sessions: SessionService,
    private readonly createUser: CreateUserOnFirstSignIn,
    /** The sign-in log, as the console's password steps write it (method SINGLE_SIGN_ON). */
    private readonly attempts: ConsoleAttempts,
    private readonly logger: Logger,
  ) {}

  /**
   * How a sign-in name signs in, answered by its domain alone, never by the
   * name: every name of a domain whose users belong to exactly one tenant
   * with single sign-on gets that tenant's provider, whether or not the name
   * exists, so the answer reveals nothing about who has an account.
   */
  async signInOptions(signInName: string): Promise<SignInOptions> {
    const domain = domainOf(signInName.trim());
    const none = { singleSignOnUrl: null, providerName: null, passwordSignIn: true };
    if (!domain) return none;
    const [row]: Array<{ tenant_id: string; display_name: string; password_sign_in: boolean }> = await this.db.query(
      'SELECT tenant_id, display_name, password_sign_in FROM sso_tenant_for_domain($1)',
      [domain],
    );
    if (!row) return none;
    const query = new URLSearchParams({ login_hint: signInName.trim() });
    return { singleSignOnUrl: `${OIDC_START_PATH}?${query}`, providerName: row.display_name, passwordSignIn: row.password_sign_in };
  }

  /**
   * Starts a round trip: where to send the browser and the state it must
   * bring back. `reauthenticate`: the session's user confirms who they are
   * (prompt=login, max_age=0) in their own tenant.
   */
  async start(options: {
    loginHint?: string;
    reauthenticate?: SessionActor;
    next: string;
  }): Promise<{ redirect: URL; state: SignInState } | { failure: SsoFailure }> {
    try {
      const actor = options.reauthenticate;
      let tenantId: string | undefined = actor?.tenantId;
      if (!tenantId && options.loginHint) {
        const domain = domainOf(options.loginHint);
        const [row]: Array<{ tenant_id: string }> = domain
          ? await this.db.query('SELECT tenant_id FROM sso_tenant_for_domain($1)', [domain])
          : [];
        tenantId = row?.tenant_id;
      }
      const provider = tenantId ? await this.providers.forSignIn(tenantId) : null;
      if (!tenantId || !provider) return fail(SsoFailure.NOT_CONFIGURED);
      const config = await this.discovered(provider);
      const request = await authorizationRequest(config, {
        redirectUri: this.providers.redirectUri,
        loginHint: actor?.email ?? options.loginHint,
        fresh: !!actor,
      });
      return {
        redirect: request.url,
        state: {
          tenantId,
          state: request.state,
          nonce: request.nonce,
          codeVerifier: request.codeVerifier,
          ...(actor ? { reauthenticate: { sessionId: actor.sessionId, userId: actor.userId, email: actor.email } } : {}),
          next: options.next,
          expiresAt: Date.now() + SIGN_IN_STATE_TTL_MS,
        },
      };
    } catch (error) {
      return { failure: this.failureFrom(error, 'start') };
    }
  }

  /**
   * The provider's answer at the callback, checked against the state this
   * browser brought back. The sign-in log gets the ending as soon as it is
   * known who it is about: the user confirming who they are, or the name the
   * provider vouched for (or claimed, unverified) in the state's tenant.
   */
  async finish(callbackUrl: URL, saved: SignInState | undefined, request: RequestInfo): Promise<RoundTripEnd> {
    const next = saved?.next ?? null;
    let who: StepSubject | undefined;
    try {
      if (saved?.reauthenticate) {
        const { userId, email } = saved.reauthenticate;
        who = { signInName: email, method: SignInCredential.SINGLE_SIGN_ON, user: { tenant_id: saved.tenantId, user_id: userId } };
      }
      if (!saved || callbackUrl.searchParams.get('state') !== saved.state) return fail(SsoFailure.STATE_MISMATCH);
      if (callbackUrl.searchParams.has('error')) return fail(SsoFailure.PROVIDER_REFUSED);
      const provider = await this.providers.forSignIn(saved.tenantId);
      if (!provider) return fail(SsoFailure.NOT_CONFIGURED);
      const config = await this.discovered(provider);
      const claims = await redeemCode(config, callbackUrl, { ...saved, fresh: !!saved.reauthenticate });
      const signInName = signInNameFrom(claims, provider.signInClaim);
      if (!signInName) {
        const claimed = claimedSignInName(claims, provider.signInClaim);
        if (!who && claimed) who = subjectOf(saved.tenantId, claimed, await this.findUser(saved.tenantId, claimed));
        return fail(SsoFailure.EMAIL_UNVERIFIED);
      }
      const twoStepAtProvider = secondFactorAtProvider(claims, provider.acceptedAcrValues);

      if (saved.reauthenticate) {
        if (signInName !== saved.reauthenticate.email.toLowerCase()) fail(SsoFailure.WRONG_ACCOUNT);
        const { sessionId, userId } = saved.reauthenticate;
        if (!(await confirmSessionAtProvider(this.db, { sessionId, userId, tenantId: saved.tenantId }, twoStepAtProvider))) {
          fail(SsoFailure.STATE_MISMATCH);
        }
        this.attempts.record(who!, SignInOutcome.SUCCESS, request);
        return { outcome: 'reauthenticated', next: saved.next };
      }

      const found = await this.findUser(saved.tenantId, signInName);
      who = subjectOf(saved.tenantId, signInName, found);
      const user = await this.userFor(provider, signInName, found, claims, request);
      who = { ...who, user: { tenant_id: user.tenantId, user_id: user.id } };
      const { token } = await this.sessions.openThroughProvider(user, twoStepAtProvider, request);
      this.attempts.record(who, SignInOutcome.SUCCESS, request);
      this.logger.info(
        { tenantId: saved.tenantId, userId: user.id, twoStepAtProvider, amr: claims.amr, acr: claims.acr },
        'Signed in through the identity provider',
      );
      return { outcome: 'signed_in', token, next: saved.next };
    } catch (error) {
      const failure = this.failureFrom(error, 'callback', saved?.tenantId);
      const outcome = signInOutcomeOf(failure);
      if (who && outcome) this.attempts.record(who, outcome, request);
      return { outcome: 'failed', failure, next };
    }
  }

  private findUser(tenantId: string, signInName: string): Promise<User | null> {
    return withTenant(this.db, tenantId, (m) =>
      m
        .getRepository(User)
        .createQueryBuilder('u')
        .where('u.tenant_id = :t AND lower(u.email) = :name', { t: tenantId, name: signInName })
        .getOne(),
    );
  }

  /** The user the provider vouched for: found by sign-in name in the tenant, or created when the tenant says so. */
  private async userFor(
    provider: ProviderForSignIn,
    signInName: string,
    found: User | null,
    claims: Record<string, unknown>,
    request: RequestInfo,
  ): Promise<SignedInUser> {
    if (found) {
      if (found.status !== UserStatus.ACTIVE) fail(SsoFailure.USER_DISABLED);
      return { id: found.id, tenantId: found.tenantId, email: found.email, role: found.role };
    }
    if (provider.userCreation !== UserCreation.CREATE_ON_FIRST_SIGN_IN) return fail(SsoFailure.UNKNOWN_USER);
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : signInName;
    return (await this.createUser(provider.tenantId, signInName, name, request)) ?? fail(SsoFailure.UNKNOWN_USER);
  }

  private discovered(provider: ProviderForSignIn) {
    return discover(provider).catch((error: unknown) => {
      this.logger.warn(
        { tenantId: provider.tenantId, issuer: provider.issuer, reason: (error as Error).message },
        'Identity provider unreachable',
      );
      return fail(SsoFailure.PROVIDER_UNAVAILABLE);
    });
  }

  /** The failure's stable code, logged with the library's reason (which never holds a token or a code). */
  private failureFrom(error: unknown, stage: 'start' | 'callback', tenantId?: string): SsoFailure {
    const failure = error instanceof RoundTripFailure ? error.failure : failureOf(error);
    const reason =
      error instanceof RoundTripFailure ? undefined : { code: (error as { code?: unknown }).code, message: (error as Error).message };
    this.logger.warn({ tenantId, stage, failure, ...(reason ? { reason } : {}) }, 'Single sign-on did not complete');
    return failure;
  }
}
