import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import { hashSecret } from '../../common/argon2.js';
import type { RequestInfo } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordOwnChange } from '../audit/audit.service.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@app-passwords/schema';
import { User } from './user.entity.js';

export interface PasswordChanger {
  userId: string;
  tenantId: string;
  /** The session making the change stays; every other one ends. */
  sessionId: string;
}

/** Checks a user's current password, throttled and logged like a console sign-in (sign-in provides it). */
export type VerifyPassword = (who: { userId: string; tenantId: string }, password: string, request: RequestInfo) => Promise<boolean>;

/**
 * What a new primary password does to the user's app passwords, in the same
 * transaction; returns how many went (app-passwords provides it, by the
 * tenant's policy).
 */
export type AfterPasswordChange = (m: EntityManager, who: { tenantId: string; userId: string }, request: RequestInfo) => Promise<number>;

export class PasswordChangeService {
  constructor(
    private readonly db: DataSource,
    private readonly verifyPassword: VerifyPassword,
    private readonly afterPasswordChange: AfterPasswordChange,
  ) {}

  /**
   * Changes a user's primary password after checking the current one (so a
   * forgotten-open console cannot be taken over), throttled like a console
   * sign-in, so a stolen session cannot guess the password online either.
   * Ends the user's other sessions, and deletes their app passwords when the
   * tenant policy says so, all in one transaction with one audit event.
   */
  async change(
    who: PasswordChanger,
    currentPassword: string,
    newPassword: string,
    request: RequestInfo,
  ): Promise<{ revokedAppPasswords: number }> {
    if (newPassword.length < MIN_PASSWORD_LENGTH || newPassword.length > MAX_PASSWORD_LENGTH) {
      throw badInput(`A password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`, 'newPassword');
    }
    const user = await withTenant(this.db, who.tenantId, (m) => m.findOneBy(User, { id: who.userId, tenantId: who.tenantId }));
    if (!user) throw notFound('User');
    if (!(await this.verifyPassword(who, currentPassword, request)))
      throw badInput('The current password is incorrect.', 'currentPassword');
    if (currentPassword === newPassword) throw badInput('Choose a password different from the current one.', 'newPassword');
    const passwordHash = await hashSecret(newPassword);

    return withTenant(this.db, who.tenantId, async (m) => {
      await m.query('UPDATE users SET password_hash = $1, must_change_password = false WHERE id = $2', [passwordHash, user.id]);
      await m.query('DELETE FROM sessions WHERE user_id = $1 AND id <> $2', [user.id, who.sessionId]);
      const revokedAppPasswords = await this.afterPasswordChange(m, { tenantId: who.tenantId, userId: user.id }, request);
      await recordOwnChange(m, { tenantId: who.tenantId, userId: user.id }, AuditAction.USER_PASSWORD_CHANGED, request, {
        details: { revokedAppPasswords },
      });
      return { revokedAppPasswords };
    });
  }
}
