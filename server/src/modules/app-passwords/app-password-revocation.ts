import type { EntityManager } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { SqlParams } from '../../common/sql.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import type { AuditRecord } from '../audit/audit.service.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import type { RevokeTenantAppPasswords } from '../tenant-policies/tenant-policy.service.js';
import type { RevokeUserAppPasswords } from '../two-step/two-step-removal.js';

export interface AppPasswordDeletion {
  tenantId: string;
  /** Which of the tenant's app passwords: SQL over `ap`, parameterised through the same `q`. */
  where: string;
  actor: AuditRecord['actor'];
  /** Why, in each audit event's details; none when owners delete their own. */
  reason?: string;
  request: RequestInfo | null;
  /** `app_password.revoked` (someone else did it), or `app_password.deleted` (the owner did). */
  action?: AuditAction;
  /**
   * The row addresses (SQL, a `tid[]`) of the clean-up notices of exactly the app passwords `where` matches, when the
   * caller read them while locking those app passwords (the clean-up's batches): deleted by address, three times
   * cheaper than a lookup by key per app password. Otherwise found by key.
   */
  noticesAt?: string;
}

/**
 * The one way app passwords are deleted: the tenant's app passwords matching
 * `where` go, with what they were used for and from and any clean-up notice, and one audit event per
 * app password records the actor and the reason, in one statement (40 000 rows cost one round trip), all or nothing
 * with the caller's transaction. Returns how many went. Apps using them are
 * refused from their next request on every instance.
 */
export async function deleteAppPasswords(m: EntityManager, q: SqlParams, deletion: AppPasswordDeletion): Promise<number> {
  const { tenantId, where, actor, reason, request, action = AuditAction.APP_PASSWORD_REVOKED, noticesAt } = deletion;
  const details = reason === undefined ? `'{}'::jsonb` : `jsonb_build_object('reason', ${q.p(reason)}::text)`;
  const noticesGone = noticesAt
    ? `DELETE FROM app_password_unused_notices n WHERE n.ctid = ANY(${noticesAt})`
    : 'DELETE FROM app_password_unused_notices n USING deleted WHERE n.app_password_id = deleted.id';
  const rows: Array<{ count: number }> = await m.query(
    `WITH deleted AS (
       DELETE FROM app_passwords ap WHERE ap.tenant_id = ${q.p(tenantId)} AND (${where})
       RETURNING ap.id, ap.name, ap.user_id, ap.tenant_id
     ), uses_gone AS (
       DELETE FROM app_password_service_uses u USING deleted WHERE u.app_password_id = deleted.id
     ), networks_gone AS (
       DELETE FROM app_password_networks n USING deleted WHERE n.app_password_id = deleted.id
     ), notices_gone AS (
       ${noticesGone}
     ), logged AS (
       INSERT INTO audit_events (tenant_id, action, actor_type, actor_user_id, actor_api_token_id, target_user_id,
                                 app_password_id, app_password_name, client_ip, user_agent, details)
       SELECT tenant_id, ${q.p(action)}, ${q.p(actor.type)}, ${q.p(actor.userId ?? null)}::uuid,
              ${q.p(actor.apiTokenId ?? null)}::uuid, user_id, id, name, ${q.p(request?.clientIp ?? null)}::inet,
              ${q.p(request?.userAgent ?? null)}, ${details}
         FROM deleted
       RETURNING 1
     )
     SELECT count(*)::int AS count FROM logged`,
    q.values,
  );
  return rows[0]?.count ?? 0;
}

/** Switching app passwords off with REVOKE: every app password of the tenant goes. */
export const revokeTenantAppPasswords: RevokeTenantAppPasswords = (m, revocation) =>
  deleteAppPasswords(m, new SqlParams(), { ...revocation, where: 'true' });

/** One user's app passwords: removing two-step verification where the tenant ties them to it, a new primary password. */
export const revokeUserAppPasswords: RevokeUserAppPasswords = (m, { userId, ...revocation }) => {
  const q = new SqlParams();
  return deleteAppPasswords(m, q, { ...revocation, where: `ap.user_id = ${q.p(userId)}` });
};

/**
 * After a user's primary password changed: their app passwords go too when
 * the tenant's policy says so (revokeWhenPrimaryPasswordChanges). Returns how
 * many went.
 */
export async function revokeAfterPasswordChange(
  m: EntityManager,
  who: { tenantId: string; userId: string },
  request: RequestInfo | null,
): Promise<number> {
  const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: who.tenantId });
  if (!policy.revokeWhenPrimaryPasswordChanges) return 0;
  return revokeUserAppPasswords(m, {
    ...who,
    actor: { type: 'user', userId: who.userId },
    reason: 'The primary password changed',
    request,
    action: AuditAction.APP_PASSWORD_REVOKED,
  });
}
