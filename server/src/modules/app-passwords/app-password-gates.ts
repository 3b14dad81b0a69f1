import type { EntityManager } from 'typeorm';
import type { UserActor } from '../../common/context.js';
import { appPasswordsDisabled, twoStepRequired } from '../../common/errors.js';
import type { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { allowsAppPasswords } from '../tenant-policies/tenant-policy.rules.js';

/*
 * What a user must satisfy to be given an app password's secret, by creating
 * one or by rotating one (besides a recent console sign-in: requireRecentSignIn).
 */

/** The tenant allows app passwords. */
export function assertAppPasswordsAllowed(policy: TenantPolicy): void {
  if (!allowsAppPasswords(policy)) throw appPasswordsDisabled();
}

/** While the tenant requires it, only users with two-step verification get app passwords. */
export async function assertTwoStepForAppPasswords(m: EntityManager, policy: TenantPolicy, actor: UserActor): Promise<void> {
  if (!policy.requireTwoStepForAppPasswords) return;
  const enrolled = await m.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2 AND confirmed_at IS NOT NULL', [
    actor.userId,
    actor.tenantId,
  ]);
  if (enrolled.length === 0) {
    throw twoStepRequired('Your organisation allows app passwords only with two-step verification. Set up an authenticator app first.');
  }
}
