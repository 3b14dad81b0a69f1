import type { EntityManager } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';

/** What an identity provider's directory says about a user beyond the sign-in name: name parts and work address (SCIM). */
export interface DirectoryProfile {
  givenName: string | null;
  familyName: string | null;
  workEmail: string | null;
}

const PROFILE_FIELDS = ['givenName', 'familyName', 'workEmail'] as const;

/**
 * Sets a user's directory profile in the caller's tenant transaction: the
 * user row is locked, compared with what is wanted, and written only when
 * something differs. With `audit`, one `user.updated` names each field that
 * changed, from and to (a user just created is audited by `user.created`).
 * False when the user is not in the tenant.
 */
export async function setDirectoryProfile(
  m: EntityManager,
  change: {
    tenantId: string;
    userId: string;
    profile: DirectoryProfile;
    actor: AuditRecord['actor'];
    request: RequestInfo | null;
    audit: boolean;
  },
): Promise<boolean> {
  const { tenantId, userId, profile } = change;
  const [current]: DirectoryProfile[] = await m.query(
    `SELECT given_name AS "givenName", family_name AS "familyName", work_email AS "workEmail"
       FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
    [userId, tenantId],
  );
  if (!current) return false;
  const changed: Record<string, { from: string | null; to: string | null }> = {};
  for (const field of PROFILE_FIELDS) if (current[field] !== profile[field]) changed[field] = { from: current[field], to: profile[field] };
  if (Object.keys(changed).length === 0) return true;
  await m.query('UPDATE users SET given_name = $1, family_name = $2, work_email = $3 WHERE id = $4 AND tenant_id = $5', [
    profile.givenName,
    profile.familyName,
    profile.workEmail,
    userId,
    tenantId,
  ]);
  if (change.audit) {
    await recordAudit(m, {
      tenantId,
      action: AuditAction.USER_UPDATED,
      actor: change.actor,
      targetUserId: userId,
      request: change.request,
      details: changed,
    });
  }
  return true;
}
