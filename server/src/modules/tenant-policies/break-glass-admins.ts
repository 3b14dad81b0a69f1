import type { EntityManager } from 'typeorm';
import { Role, UserStatus } from '../users/user.entity.js';

/** An admin who can still sign in with password and two-step verification while password sign-in is off. */
export interface BreakGlassAdmin {
  id: string;
  email: string;
  displayName: string;
}

/**
 * The tenant's break-glass admins: active admins with a password and a
 * confirmed authenticator app (`isBreakGlassAdmin` in tenant-policy.rules.ts,
 * over every admin of the tenant at once). In the caller's tenant transaction.
 */
export async function breakGlassAdmins(m: EntityManager, tenantId: string): Promise<BreakGlassAdmin[]> {
  return m.query(
    `SELECT u.id, u.email, u.display_name AS "displayName" FROM users u
      WHERE u.tenant_id = $1 AND u.role = $2 AND u.status = $3 AND u.password_hash IS NOT NULL
        AND EXISTS (SELECT 1 FROM totp_authenticators t WHERE t.user_id = u.id AND t.tenant_id = u.tenant_id AND t.confirmed_at IS NOT NULL)
      ORDER BY u.email`,
    [tenantId, Role.TENANT_ADMIN, UserStatus.ACTIVE],
  );
}

/** Whether the tenant has single sign-on set up, in the caller's transaction: the single-sign-on module answers it (it builds on this one). */
export type IdentityProviderConfigured = (m: EntityManager, tenantId: string) => Promise<boolean>;

/** What switching password sign-in off depends on (`passwordSignInOffProblem`). */
export async function passwordSignInOffState(
  m: EntityManager,
  tenantId: string,
  identityProviderConfigured: IdentityProviderConfigured,
): Promise<{ providerConfigured: boolean; breakGlassAdmins: number }> {
  return {
    providerConfigured: await identityProviderConfigured(m, tenantId),
    breakGlassAdmins: (await breakGlassAdmins(m, tenantId)).length,
  };
}
