import type { DataSource } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit } from '../audit/audit.service.js';
import type { SignInCredential } from './sign-in-log.js';

/**
 * Too many failures for one user from addresses it does not know: sign-ins
 * from unknown devices stop for a while. That is an attack or a badly
 * configured app, and admins should see it: an audit event about the user,
 * by the server itself, with the address of the failure that tipped it.
 */
export async function recordUserBlocked(
  db: DataSource,
  user: { tenant_id: string; user_id: string },
  method: SignInCredential,
  blockedForSeconds: number,
  request: RequestInfo,
): Promise<void> {
  await withTenant(db, user.tenant_id, (m) =>
    recordAudit(m, {
      tenantId: user.tenant_id,
      action: AuditAction.USER_SIGN_IN_BLOCKED,
      actor: { type: 'system' },
      targetUserId: user.user_id,
      request,
      details: { method, blockedForSeconds },
    }),
  );
}
