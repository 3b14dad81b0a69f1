import type { DataSource } from 'typeorm';
import { verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import type { Actor, RequestInfo } from '../../common/context.js';
import { unauthenticated } from '../../common/errors.js';
import { randomToken, sha256 } from '../../common/secure-random.js';
import { User, UserStatus, type Role } from '../users/user.entity.js';
import { Session } from './session.entity.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** Sliding the idle window costs a write; do it at most this often per session. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Deliberately vague: never says whether the sign-in name exists. */
const WRONG_CREDENTIALS = 'The sign-in name or password is incorrect.';

export interface SignedIn {
  /** The cookie value; returned once, stored only as its SHA-256. */
  token: string;
  session: Session;
  user: User;
}

export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly throttle: SignInThrottle,
  ) {}

  /**
   * Checks the primary password and opens a session. An unknown name, a
   * wrong password and a disabled user all fail the same way after the same
   * argon2 work, so neither the answer nor its timing tells them apart.
   */
  async signIn(email: string, password: string, request: RequestInfo): Promise<SignedIn> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
    const valid = user ? await verifySecret(user.passwordHash, password) : await verifyAgainstNothing(password);
    if (!user || !valid || user.status !== UserStatus.ACTIVE) throw unauthenticated(WRONG_CREDENTIALS);

    // The user is here: app passwords may be tried under this name again, even after 100 failures in a row.
    await this.throttle.clearName(user.email);
    const token = randomToken(32);
    const now = Date.now();
    const session = await this.db.transaction(async (m) => {
      await m.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [user.id]);
      return m.save(
        m.create(Session, {
          tokenHash: sha256(token),
          tenantId: user.tenantId,
          userId: user.id,
          authenticationMethods: ['password'],
          lastSeenAt: new Date(now),
          expiresAt: new Date(now + SESSION_ABSOLUTE_TIMEOUT_MS),
          clientIp: request.clientIp,
          userAgent: request.userAgent,
        }),
      );
    });
    return { token, session, user };
  }

  /**
   * The actor behind a session cookie, or null when the session is unknown,
   * idle for too long, past its absolute end, or its user is disabled.
   */
  async resolve(token: string): Promise<Actor | null> {
    if (token.length < 20 || token.length > 100) return null;
    const rows: Array<{ id: string; user_id: string; tenant_id: string; role: Role; last_seen_at: Date }> = await this.db.query(
      `SELECT s.id, s.user_id, s.tenant_id, u.role, s.last_seen_at
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
        WHERE s.token_hash = $1
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
    return { userId: row.user_id, tenantId: row.tenant_id, role: row.role, signedInWith: 'session', sessionId: row.id };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
  }
}
