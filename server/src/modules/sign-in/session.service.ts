import type { DataSource } from 'typeorm';
import { verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import type { Actor, RequestInfo, UserActor } from '../../common/context.js';
import { unauthenticated } from '../../common/errors.js';
import { randomToken, sha256 } from '../../common/secure-random.js';
import type { TwoStepService } from '../two-step/two-step.service.js';
import { User, UserStatus, type Role } from '../users/user.entity.js';
import { Session, type AuthenticationMethod } from './session.entity.js';
import { rateLimited, type SignInThrottle } from './sign-in-throttle.js';

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** Between the password and the code: long enough to open an authenticator app, short enough to be useless later. */
export const TWO_STEP_PENDING_MS = 5 * 60_000;
/** Sliding the idle window costs a write; do it at most this often per session. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Deliberately vague: never says whether the sign-in name exists. */
const WRONG_CREDENTIALS = 'The sign-in name or password is incorrect.';

export type SignInResult =
  /** Signed in: `token` is the new cookie value; returned once, stored only as its SHA-256. */
  | { stage: 'signed_in'; token: string; session: Session; user: User }
  /** The password was right and the user has two-step verification: `token` names the pending sign-in until the code comes. */
  | { stage: 'two_step'; token: string; user: User };

export class SessionService {
  constructor(
    private readonly db: DataSource,
    /** App-password counters: a console sign-in lifts a name's "until the user acts" block there. */
    private readonly appPasswordThrottle: SignInThrottle,
    /** Console counters: passwords and two-step codes (also the current password when changing it). */
    readonly throttle: SignInThrottle,
    private readonly twoStep: TwoStepService,
  ) {}

  /**
   * Checks the primary password. An unknown name, a wrong password and a
   * disabled user all fail the same way after the same argon2 work, so neither
   * the answer nor its timing tells them apart. Each attempt counts against
   * the console throttle before argon2 runs (aliases in one GraphQL document
   * are attempts too); a right password gets its point back. Users with
   * two-step verification get a pending sign-in that only the code completes.
   */
  async signIn(email: string, password: string, request: RequestInfo): Promise<SignInResult> {
    const name = email.trim().toLowerCase();
    const [reservation, user] = await Promise.all([
      this.throttle.reserve(name, request.clientIp),
      this.db.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('lower(u.email) = :name', { name }).getOne(),
    ]);
    if (!reservation.allowed) throw rateLimited(reservation.retryAfterSeconds);
    const valid = user ? await verifySecret(user.passwordHash, password) : await verifyAgainstNothing(password);
    if (!user || !valid || user.status !== UserStatus.ACTIVE) throw unauthenticated(WRONG_CREDENTIALS);
    await this.throttle.succeeded(name, request.clientIp);

    if (await this.twoStep.isEnabled(user.id)) {
      const token = randomToken(32);
      await this.db.transaction(async (m) => {
        await m.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [user.id]);
        await m.insert(Session, {
          tokenHash: sha256(token),
          tenantId: user.tenantId,
          userId: user.id,
          authenticationMethods: ['password'],
          twoStepPending: true,
          authenticatedAt: new Date(),
          lastSeenAt: new Date(),
          expiresAt: new Date(Date.now() + TWO_STEP_PENDING_MS),
          clientIp: request.clientIp,
          userAgent: request.userAgent,
        });
      });
      return { stage: 'two_step', token, user };
    }
    return { stage: 'signed_in', ...(await this.open(user, ['password'], request)), user };
  }

  /**
   * The second step: the code from the authenticator app, or a recovery code,
   * for the pending sign-in named by `pendingToken`. The pending sign-in is
   * replaced by a new session with a new id and token, so nothing known
   * before the second step (a planted cookie, say) is worth anything after it.
   */
  async completeTwoStep(pendingToken: string | undefined, code: string, request: RequestInfo): Promise<SignInResult> {
    const expired = () => unauthenticated('Your sign-in has expired. Sign in again.');
    if (!pendingToken || pendingToken.length < 20 || pendingToken.length > 100) throw expired();
    const [row]: Array<{ id: string; user_id: string }> = await this.db.query(
      `SELECT s.id, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
        WHERE s.token_hash = $1 AND s.two_step_pending AND s.expires_at > now() AND u.status = 'ACTIVE'`,
      [sha256(pendingToken)],
    );
    if (!row) throw expired();
    const user = await this.db.getRepository(User).findOneByOrFail({ id: row.user_id });
    const name = user.email.toLowerCase();
    const reservation = await this.throttle.reserve(name, request.clientIp);
    if (!reservation.allowed) throw rateLimited(reservation.retryAfterSeconds);
    const factor = await this.twoStep.verifySecondFactor({ id: user.id, tenantId: user.tenantId }, code, request);
    if (!factor) throw unauthenticated('That code is not right. Try the code your app shows now, or a recovery code.');
    // Only one request may turn this pending sign-in into a session.
    const claimed = await this.db.query(
      'WITH claimed AS (DELETE FROM sessions WHERE id = $1 AND two_step_pending RETURNING id) SELECT id FROM claimed',
      [row.id],
    );
    if (claimed.length === 0) throw expired();
    await this.throttle.succeeded(name, request.clientIp);
    return { stage: 'signed_in', ...(await this.open(user, ['password', factor], request)), user };
  }

  /**
   * Entering the password again in a signed-in session: sensitive changes
   * then count the sign-in as recent for 10 more minutes. Counts against the
   * console throttle like a sign-in.
   */
  async reauthenticate(actor: UserActor & { signedInWith: 'session' }, password: string, request: RequestInfo): Promise<Date> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: actor.userId })
      .getOne();
    const name = (user?.email ?? actor.userId).toLowerCase();
    const reservation = await this.throttle.reserve(name, request.clientIp);
    if (!reservation.allowed) throw rateLimited(reservation.retryAfterSeconds);
    if (!user || !(await verifySecret(user.passwordHash, password))) throw unauthenticated('That password is not right.');
    await this.throttle.succeeded(name, request.clientIp);
    // A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const [{ authenticated_at }] = await this.db.query(
      `WITH updated AS (UPDATE sessions SET authenticated_at = now(), last_seen_at = now() WHERE id = $1 RETURNING authenticated_at)
       SELECT authenticated_at FROM updated`,
      [actor.sessionId],
    );
    return authenticated_at;
  }

  /**
   * The actor behind a session cookie, or null when the session is unknown,
   * still waiting for its second step, idle for too long, past its absolute
   * end, or its user is disabled.
   */
  async resolve(token: string): Promise<Actor | null> {
    if (token.length < 20 || token.length > 100) return null;
    const rows: Array<{ id: string; user_id: string; tenant_id: string; role: Role; last_seen_at: Date; authenticated_at: Date }> =
      await this.db.query(
        `SELECT s.id, s.user_id, s.tenant_id, u.role, s.last_seen_at, s.authenticated_at
           FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
          WHERE s.token_hash = $1
            AND NOT s.two_step_pending
            AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(secs => $2)
            AND u.status = 'ACTIVE'`,
        [sha256(token), SESSION_IDLE_TIMEOUT_MS / 1000],
      );
    const row = rows[0];
    if (!row) return null;
    if (Date.now() - row.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [row.id]);
    }
    return {
      userId: row.user_id,
      tenantId: row.tenant_id,
      role: row.role,
      signedInWith: 'session',
      sessionId: row.id,
      authenticatedAt: row.authenticated_at,
    };
  }

  /** Ends a session, or a sign-in still waiting for its second step. */
  async signOut(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
  }

  /** Ends the sign-in named by a cookie, whatever stage it is in. */
  async signOutToken(token: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
  }

  /** A new session for a user who has proved who they are. */
  private async open(user: User, methods: AuthenticationMethod[], request: RequestInfo): Promise<{ token: string; session: Session }> {
    // The user is here: app passwords may be tried under this name again, even after 100 failures in a row.
    await this.appPasswordThrottle.clearName(user.email);
    const token = randomToken(32);
    const now = Date.now();
    const session = await this.db.transaction(async (m) => {
      await m.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [user.id]);
      return m.save(
        m.create(Session, {
          tokenHash: sha256(token),
          tenantId: user.tenantId,
          userId: user.id,
          authenticationMethods: methods,
          twoStepPending: false,
          authenticatedAt: new Date(now),
          lastSeenAt: new Date(now),
          expiresAt: new Date(now + SESSION_ABSOLUTE_TIMEOUT_MS),
          clientIp: request.clientIp,
          userAgent: request.userAgent,
        }),
      );
    });
    return { token, session };
  }
}
