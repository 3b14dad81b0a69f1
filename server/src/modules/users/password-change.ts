import type { DataSource } from 'typeorm';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@app-passwords/schema';
import { withTenant } from '../../db/tenant-scope.js';
import { hashSecret } from '../../common/argon2.js';
import type { RequestInfo } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { SqlParams } from '../../common/sql.js';
import { revokeAppPasswordsWhere } from '../app-passwords/app-password-revocation.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit } from '../audit/audit.service.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { User } from './user.entity.js';

export interface PasswordChanger {
  userId: string;
  tenantId: string;
  /** The session making the change stays; every other one ends. */
  sessionId: string;
}

/**
 * Changes a user's primary password after checking the current one (so a
 * forgotten-open console cannot be taken over), throttled like a console
 * sign-in, so a stolen session cannot guess the password online either. Ends
 * the user's other sessions, and deletes their app passwords when the tenant
 * policy says so, all in one transaction with one audit event.
 */
export async function changePrimaryPassword(
  db: DataSource,
  /** Checks the current password, throttled and logged like a console sign-in. */
  passwords: { verifyPassword(who: { userId: string; tenantId: string }, password: string, request: RequestInfo): Promise<boolean> },
  who: PasswordChanger,
  currentPassword: string,
  newPassword: string,
  request: RequestInfo,
): Promise<{ revokedAppPasswords: number }> {
  if (newPassword.length < MIN_PASSWORD_LENGTH || newPassword.length > MAX_PASSWORD_LENGTH) {
    throw badInput(`A password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`, 'newPassword');
  }
  const user = await withTenant(db, who.tenantId, (m) => m.findOneBy(User, { id: who.userId, tenantId: who.tenantId }));
  if (!user) throw notFound('User');
  if (!(await passwords.verifyPassword(who, currentPassword, request)))
    throw badInput('The current password is incorrect.', 'currentPassword');
  if (currentPassword === newPassword) throw badInput('Choose a password different from the current one.', 'newPassword');
  const passwordHash = await hashSecret(newPassword);

  return withTenant(db, who.tenantId, async (m) => {
    await m.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, user.id]);
    await m.query('DELETE FROM sessions WHERE user_id = $1 AND id <> $2', [user.id, who.sessionId]);
    const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: who.tenantId });
    let revokedAppPasswords = 0;
    if (policy.revokeWhenPrimaryPasswordChanges) {
      const q = new SqlParams();
      revokedAppPasswords = await revokeAppPasswordsWhere(
        m,
        q,
        who.tenantId,
        `ap.user_id = ${q.p(user.id)}`,
        { type: 'user', userId: user.id },
        'The primary password changed',
        request,
      );
    }
    await recordAudit(m, {
      tenantId: who.tenantId,
      action: AuditAction.USER_PASSWORD_CHANGED,
      actor: { type: 'user', userId: user.id },
      targetUserId: user.id,
      request,
      details: { revokedAppPasswords },
    });
    return { revokedAppPasswords };
  });
}
