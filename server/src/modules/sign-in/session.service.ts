import type { DataSource } from 'typeorm';
import { verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import type { RequestInfo, SessionActor } from '../../common/context.js';
import { forbidden, unauthenticated } from '../../common/errors.js';
import { passwordSignInAllowed } from '../tenant-policies/tenant-policy.rules.js';
import { randomToken, sha256 } from '../../common/secure-random.js';
import { normaliseTotpCode } from '../two-step/two-step.secret.js';
import type { SecondFactor, TwoStepService } from '../two-step/two-step.service.js';
import { User, UserStatus, type Role } from '../users/user.entity.js';
import { Session, type AuthenticationMethod } from './session.entity.js';
import { lookUpSession, sessionActorOf, sessionLookupSql } from './session-lookup.js';
import type { ConsoleAttempts } from './console-attempts.js';
import { SignInCredential, SignInOutcome } from './sign-in-log.js';
import { passwordCounters, twoStepCodeCounters, type SignInThrottle } from './sign-in-throttle.js';
import { withTenant } from '../../db/tenant-scope.js';

interface ConsoleSignInRow {
  id: string;
  tenant_id: string;
  email: string;
  role: Role;
  /** null: no password (single sign-on only). */
  password_hash: string | null;
  status: UserStatus;
}

const SESSION_FOR_TOKEN_SQL = sessionLookupSql('session_for_token');

export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** Between the password and the code: long enough to open an authenticator app, short enough to be useless later. */
export const TWO_STEP_PENDING_MS = 5 * 60_000;

/** Deliberately vague: never says whether the sign-in name exists. */
const WRONG_CREDENTIALS = 'The sign-in name or password is incorrect.';
const SINGLE_SIGN_ON_ONLY = 'Your organisation signs in through its identity provider: use its sign-in button instead of the password.';

/** Who signed in. */
export type SignedInUser = Pick<User, 'id' | 'tenantId' | 'email' | 'role'>;

export type SignInResult =
  /** Signed in: `token` is the new cookie value; returned once, stored only as its SHA-256. */
  | { stage: 'signed_in'; token: string; user: SignedInUser }
  /** The password was right and the user has two-step verification: `token` names the pending sign-in until the code comes. */
  | { stage: 'two_step'; token: string; user: SignedInUser };

export class SessionService {
  constructor(
    private readonly db: DataSource,
    /** Every kind of sign-in: the console's password and code steps, and app passwords (a console sign-in lifts their user block). */
    private readonly throttle: SignInThrottle,
    private readonly attempts: ConsoleAttempts,
    private readonly twoStep: TwoStepService,
  ) {}

  /**
   * Checks the primary password. An unknown name, a wrong password, a user
   * without a password (single sign-on only) and a disabled user all fail the
   * same way after the same argon2 work, so neither
   * the answer nor its timing tells them apart. Each attempt takes a place on
   * the console's counters before argon2 runs (aliases in one GraphQL document
   * are attempts too), and only a wrong password counts as a failure. Users
   * with two-step verification get a pending sign-in that only the code
   * completes.
   */
  async signIn(email: string, password: string, request: RequestInfo): Promise<SignInResult> {
    const name = email.trim().toLowerCase();
    const [found] = (await this.db.query('SELECT * FROM console_sign_in_user($1)', [name])) as ConsoleSignInRow[];
    const subject = {
      signInName: email.trim(),
      method: SignInCredential.PASSWORD,
      user: found && { tenant_id: found.tenant_id, user_id: found.id },
    };
    const verdict = await this.attempts.run(passwordCounters('console', name, request.clientIp), subject, request, async () => {
      const valid = found?.password_hash ? await verifySecret(found.password_hash, password) : await verifyAgainstNothing(password);
      if (!found) return { outcome: SignInOutcome.UNKNOWN_USER, counts: 'failed' };
      if (!valid) return { outcome: SignInOutcome.WRONG_PASSWORD, counts: 'failed' };
      if (found.status !== UserStatus.ACTIVE) return { outcome: SignInOutcome.USER_DISABLED, counts: 'refund' };
      return { outcome: SignInOutcome.SUCCESS, counts: 'succeeded' };
    });
    if (verdict.outcome !== SignInOutcome.SUCCESS) throw unauthenticated(WRONG_CREDENTIALS);
    const user: SignedInUser = { id: found!.id, tenantId: found!.tenant_id, email: found!.email, role: found!.role };

    const twoStepEnabled = await this.twoStep.isEnabled(user);
    // Only someone who knew the password learns that the organisation signs in through its provider.
    if (!(await this.passwordSignInAllowed(user, twoStepEnabled))) throw unauthenticated(SINGLE_SIGN_ON_ONLY);
    if (twoStepEnabled) {
      const { token } = await this.insertSession(user, ['password'], 'two_step_pending', request);
      return { stage: 'two_step', token, user };
    }
    return { stage: 'signed_in', ...(await this.startSession(user, ['password'], request)), user };
  }

  /**
   * The second step: the code from the authenticator app, or a recovery code,
   * for the pending sign-in named by `pendingToken`. Codes have counters of
   * their own, per user and per pending sign-in, that entering the password
   * again never resets. The pending sign-in is replaced by a new session with
   * a new id and token, so nothing known before the second step (a planted
   * cookie, say) is worth anything after it.
   */
  async completeTwoStep(pendingToken: string | undefined, code: string, request: RequestInfo): Promise<SignInResult> {
    const expired = () => unauthenticated('Your sign-in has expired. Sign in again.');
    if (!pendingToken || pendingToken.length < 20 || pendingToken.length > 100) throw expired();
    const [row]: Array<{ id: string; user_id: string; tenant_id: string }> = await this.db.query(
      'SELECT * FROM pending_sign_in_for_token($1)',
      [sha256(pendingToken)],
    );
    if (!row) throw expired();
    const user: SignedInUser = await withTenant(this.db, row.tenant_id, (m) =>
      m.findOneByOrFail(User, { id: row.user_id }).then(({ id, tenantId, email, role }) => ({ id, tenantId, email, role })),
    );
    const method = normaliseTotpCode(code) ? SignInCredential.TWO_STEP_CODE : SignInCredential.RECOVERY_CODE;
    const subject = { signInName: user.email, method, user: { tenant_id: user.tenantId, user_id: user.id } };
    let factor: SecondFactor | undefined;
    const { blocked } = await this.attempts.run(twoStepCodeCounters(user.id, row.id), subject, request, async () => {
      factor = await this.twoStep.verifySecondFactor(user, code, request);
      return factor ? { outcome: SignInOutcome.SUCCESS, counts: 'succeeded' } : { outcome: SignInOutcome.WRONG_CODE, counts: 'failed' };
    });
    if (blocked.includes('pending_sign_in')) {
      // Enough wrong codes for one sign-in: it ends, and the password is needed again.
      await withTenant(this.db, user.tenantId, (m) => m.query('DELETE FROM sessions WHERE id = $1 AND two_step_pending', [row.id]));
      throw unauthenticated('Too many wrong codes. Sign in again.');
    }
    if (!factor) throw unauthenticated('That code is not right. Try the code your app shows now, or a recovery code.');
    // Only one request may turn this pending sign-in into a session.
    const claimed = await withTenant(this.db, user.tenantId, (m) =>
      m.query('WITH claimed AS (DELETE FROM sessions WHERE id = $1 AND two_step_pending RETURNING id) SELECT id FROM claimed', [row.id]),
    );
    if (claimed.length === 0) throw expired();
    return { stage: 'signed_in', ...(await this.startSession(user, ['password', factor], request)), user };
  }

  /**
   * Entering the password again in a signed-in session: sensitive changes
   * then count the sign-in as recent for 10 more minutes. Throttled and
   * logged like a sign-in.
   */
  async reauthenticate(actor: SessionActor, password: string, request: RequestInfo): Promise<Date> {
    if (
      actor.signedInThroughProvider ||
      !(await this.passwordSignInAllowed(actor, await this.twoStep.isEnabled({ id: actor.userId, tenantId: actor.tenantId })))
    ) {
      throw forbidden(
        'You signed in through your organisation’s identity provider: confirm it is you there (/auth/oidc/start?reauthenticate=1).',
      );
    }
    if (!(await this.verifyPassword(actor, password, request))) throw unauthenticated('That password is not right.');
    // A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const [{ authenticated_at }] = await withTenant(this.db, actor.tenantId, (m) =>
      m.query(
        `WITH updated AS (UPDATE sessions SET authenticated_at = now(), last_seen_at = now() WHERE id = $1 RETURNING authenticated_at)
         SELECT authenticated_at FROM updated`,
        [actor.sessionId],
      ),
    );
    return authenticated_at;
  }

  /**
   * Whether `password` is the signed-in user's primary password (entering it
   * again, or confirming a password change): throttled and logged like a
   * console sign-in, so a stolen session cannot guess it online.
   */
  async verifyPassword(actor: { userId: string; tenantId: string }, password: string, request: RequestInfo): Promise<boolean> {
    const user = await withTenant(this.db, actor.tenantId, (m) =>
      m.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: actor.userId }).getOne(),
    );
    if (!user) return false;
    const subject = { signInName: user.email, method: SignInCredential.PASSWORD, user: { tenant_id: user.tenantId, user_id: user.id } };
    const verdict = await this.attempts.run(passwordCounters('console', user.email, request.clientIp), subject, request, async () =>
      (user.passwordHash ? await verifySecret(user.passwordHash, password) : await verifyAgainstNothing(password))
        ? { outcome: SignInOutcome.SUCCESS, counts: 'succeeded' }
        : { outcome: SignInOutcome.WRONG_PASSWORD, counts: 'failed' },
    );
    return verdict.outcome === SignInOutcome.SUCCESS;
  }

  /**
   * The actor behind a session cookie, or null when the session is unknown,
   * still waiting for its second step, idle for too long, past its absolute
   * end, or its user is disabled. Also says, in the same query, whether the
   * tenant's rule on admins' two-step verification holds the user back, and
   * who the user is (sign-in name, display name, organisation).
   */
  async resolve(token: string): Promise<SessionActor | null> {
    const row = await lookUpSession(this.db, 'session-for-token', SESSION_FOR_TOKEN_SQL, token);
    return row && sessionActorOf(row);
  }

  /**
   * A new session for a user the tenant's identity provider vouched for
   * (single sign-on): methods `oidc`, and `provider_mfa` when the ID token
   * says the user passed a second factor there.
   */
  async openThroughProvider(user: SignedInUser, twoStepAtProvider: boolean, request: RequestInfo): Promise<{ token: string }> {
    return this.startSession(user, twoStepAtProvider ? ['oidc', 'provider_mfa'] : ['oidc'], request);
  }

  /** Whether the tenant lets this user sign in with the password (policy passwordSignIn, break-glass admins). */
  private async passwordSignInAllowed(user: { tenantId: string; role: Role }, twoStepEnabled: boolean): Promise<boolean> {
    const [policy]: Array<{ password_sign_in: boolean }> = await withTenant(this.db, user.tenantId, (m) =>
      m.query('SELECT password_sign_in FROM tenant_policies WHERE tenant_id = $1', [user.tenantId]),
    );
    return passwordSignInAllowed({ passwordSignIn: policy?.password_sign_in ?? true }, { role: user.role, twoStepEnabled });
  }

  /** Ends a session. */
  async signOut(session: { sessionId: string; tenantId: string }): Promise<void> {
    await withTenant(this.db, session.tenantId, (m) => m.query('DELETE FROM sessions WHERE id = $1', [session.sessionId]));
  }

  /** Ends the sign-in named by a cookie, whatever stage it is in. */
  async signOutToken(token: string): Promise<void> {
    await this.db.query('SELECT end_sign_in_for_token($1)', [sha256(token)]);
  }

  /**
   * A new session for a user who has proved who they are: every way into the
   * console ends here (password, two-step code, single sign-on), which also
   * records the user's last sign-in.
   */
  async startSession(user: SignedInUser, methods: AuthenticationMethod[], request: RequestInfo): Promise<{ token: string }> {
    // The user is here: their app passwords may be tried from unknown devices again, even after 100 failures in a row.
    await this.throttle.clearUser(user.email);
    return this.insertSession(user, methods, 'signed_in', request);
  }

  /**
   * A session row: a pending one lives 5 minutes and only lets its holder
   * enter a code; a signed-in one lives until the absolute timeout. The
   * user's expired sessions are cleared on the way.
   */
  private async insertSession(
    user: SignedInUser,
    methods: AuthenticationMethod[],
    stage: 'two_step_pending' | 'signed_in',
    request: RequestInfo,
  ): Promise<{ token: string }> {
    const token = randomToken(32);
    const now = Date.now();
    await withTenant(this.db, user.tenantId, async (m) => {
      await m.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [user.id]);
      if (stage === 'signed_in') await m.query('UPDATE users SET last_sign_in_at = now() WHERE id = $1', [user.id]);
      await m.insert(Session, {
        tokenHash: sha256(token),
        tenantId: user.tenantId,
        userId: user.id,
        authenticationMethods: methods,
        twoStepPending: stage === 'two_step_pending',
        authenticatedAt: new Date(now),
        lastSeenAt: new Date(now),
        expiresAt: new Date(now + (stage === 'two_step_pending' ? TWO_STEP_PENDING_MS : SESSION_ABSOLUTE_TIMEOUT_MS)),
        clientIp: request.clientIp,
        userAgent: request.userAgent,
      });
    });
    return { token };
  }
}
