import type { EntityManager } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { twoStepNeededByAppPasswords } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import type { AuditRecord } from '../audit/audit.service.js';

/**
 * Deletes a user's app passwords, one audit event each, in the caller's
 * transaction; returns how many went. App-passwords provides it (it builds
 * on this module).
 */
export type RevokeUserAppPasswords = (
  m: EntityManager,
  revocation: {
    tenantId: string;
    userId: string;
    actor: AuditRecord['actor'];
    reason: string;
    request: RequestInfo | null;
    action: AuditAction;
  },
) => Promise<number>;

export interface TwoStepRemoval {
  tenantId: string;
  userId: string;
  /** Who takes it away: the user themselves, or an admin or operator resetting it. */
  actor: AuditRecord['actor'];
  /** Also delete the user's app passwords where the tenant allows them only with two-step verification. */
  deleteAppPasswords: boolean;
  request: RequestInfo | null;
  /** Why, in the audit event of each app password that goes with it. */
  reason: string;
  /** The message of the refusal while `appPasswords` app passwords depend on it. */
  refusal: (appPasswords: number) => string;
}

/**
 * Takes a user's authenticator app and recovery codes away, in the caller's
 * transaction, with the user's row locked by the caller. While the tenant
 * allows app passwords only with two-step verification, the user's app
 * passwords go with it when `deleteAppPasswords` says so (deleted when the
 * user does it, revoked when someone else does, one audit event each);
 * otherwise the removal is refused with TWO_STEP_NEEDED_BY_APP_PASSWORDS, so
 * no app password outlives the second factor the policy ties it to.
 * Returns how many app passwords went, or undefined when the user had no
 * two-step verification (nothing changed).
 */
export async function removeTwoStep(
  m: EntityManager,
  removal: TwoStepRemoval,
  revokeAppPasswords: RevokeUserAppPasswords,
): Promise<number | undefined> {
  const { tenantId, userId } = removal;
  const [row]: Array<{ required: boolean; app_passwords: number }> = await m.query(
    `SELECT tp.require_two_step_for_app_passwords AS required,
            (SELECT count(*)::int FROM app_passwords a WHERE a.user_id = $2 AND a.tenant_id = $1) AS app_passwords
       FROM tenant_policies tp
      WHERE tp.tenant_id = $1
        AND EXISTS (SELECT 1 FROM totp_authenticators t WHERE t.user_id = $2 AND t.tenant_id = $1 AND t.confirmed_at IS NOT NULL)`,
    [tenantId, userId],
  );
  if (!row) return undefined;
  let deletedAppPasswords = 0;
  if (row.required && row.app_passwords > 0) {
    if (!removal.deleteAppPasswords) {
      throw twoStepNeededByAppPasswords(row.app_passwords, removal.refusal(row.app_passwords));
    }
    const own = removal.actor.type === 'user' && removal.actor.userId === userId;
    deletedAppPasswords = await revokeAppPasswords(m, {
      tenantId,
      userId,
      actor: removal.actor,
      reason: removal.reason,
      request: removal.request,
      action: own ? AuditAction.APP_PASSWORD_DELETED : AuditAction.APP_PASSWORD_REVOKED,
    });
  }
  await m.query('DELETE FROM recovery_codes WHERE user_id = $1 AND tenant_id = $2', [userId, tenantId]);
  await m.query('DELETE FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2', [userId, tenantId]);
  return deletedAppPasswords;
}
