import type { EntityManager } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import type { SqlParams } from '../../common/sql.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import type { AuditRecord } from '../audit/audit.service.js';

/**
 * Deletes the tenant's app passwords matching `condition` (SQL over `ap`,
 * parameterised through `q`) and writes one audit event per app password
 * with the actor and the reason (`app_password.revoked`, or `action`, e.g.
 * `app_password.deleted` when the owner does it): one statement, so 40 000
 * rows cost one round trip, and all or nothing with the caller's transaction.
 * Returns the count.
 * Apps using them are refused from their next request on every instance.
 */
export async function revokeAppPasswordsWhere(
  m: EntityManager,
  q: SqlParams,
  tenantId: string,
  condition: string,
  actor: AuditRecord['actor'],
  reason: string,
  request: RequestInfo | null,
  action: AuditAction = AuditAction.APP_PASSWORD_REVOKED,
): Promise<number> {
  const rows: Array<{ count: number }> = await m.query(
    `WITH revoked AS (
       DELETE FROM app_passwords ap WHERE ap.tenant_id = ${q.p(tenantId)} AND (${condition})
       RETURNING ap.id, ap.name, ap.user_id, ap.tenant_id
     ), logged AS (
       INSERT INTO audit_events (tenant_id, action, actor_type, actor_user_id, actor_api_token_id, target_user_id,
                                 app_password_id, app_password_name, client_ip, user_agent, details)
       SELECT tenant_id, ${q.p(action)}, ${q.p(actor.type)}, ${q.p(actor.userId ?? null)}::uuid,
              ${q.p(actor.apiTokenId ?? null)}::uuid, user_id, id, name, ${q.p(request?.clientIp ?? null)}::inet,
              ${q.p(request?.userAgent ?? null)}, jsonb_build_object('reason', ${q.p(reason)}::text)
         FROM revoked
       RETURNING 1
     )
     SELECT count(*)::int AS count FROM logged`,
    q.values,
  );
  return rows[0]?.count ?? 0;
}
