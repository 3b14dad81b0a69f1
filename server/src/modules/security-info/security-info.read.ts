import type { TenantReader, UserActor } from '../../common/context.js';
import { notFound } from '../../common/errors.js';
import { preparedRead } from '../../db/pg-pool.js';
import { AppPassword, appPasswordFromTuple, appPasswordTupleSql, type AppPasswordTuple } from '../app-passwords/app-password.entity.js';
import { servicesOf } from '../services/service-catalog.service.js';
import type { ServiceDefinition } from '../services/service-catalog.js';
import type { Service } from '../services/service.type.js';
import { allowsAppPasswords, appPasswordLimit } from '../tenant-policies/tenant-policy.rules.js';
import { twoStepStatusColumns, twoStepStatusOf, type TwoStepStatusColumns } from '../two-step/two-step-status.js';
import type { TwoStepStatus } from '../two-step/two-step.types.js';

/** What the security-info page shows, before the resolver works out which methods the user may add. */
export interface SecurityInfoData {
  appPasswords: AppPassword[];
  /** The services a new app password may have: those the tenant allows, in its order. */
  services: Service[];
  networksRequired: boolean;
  /** The longest a new app password may live; null: it may never expire. */
  maxLifetimeDays: number | null;
  appPasswordCount: number;
  appPasswordLimit: number;
  appPasswordsAllowed: boolean;
  appPasswordsRequireTwoStep: boolean;
  twoStep: TwoStepStatus;
}

/** The read's one row: the policy's columns, the two-step status, and the app passwords as one JSON array of tuples. */
export type SecurityInfoRow = TwoStepStatusColumns & {
  catalog: ServiceDefinition[];
  allowed_services: string[];
  require_networks: boolean;
  max_lifetime_days: number | null;
  app_passwords_enabled: boolean;
  max_app_passwords_per_user: number;
  require_two_step_for_app_passwords: boolean;
  app_passwords: AppPasswordTuple[];
};

/**
 * The read as one SELECT over the tenant `tenant` and the user `user` (SQL
 * expressions: placeholders such as `$1`, or a function's variables) and,
 * when given, only the app password `onlyAppPassword`. One row, no entity
 * hydration: the policy and the user's two-step status once, the app
 * passwords as one JSON array of arrays (appPasswordTupleSql). A row per app
 * password would repeat the policy's columns, and an object per app password
 * its keys: parsing those cost more than the query. The session lookup that
 * carries this read (migration SecurityInfoAsTuples) installs the same text.
 */
export function securityInfoSelect(tenant: string, user: string, onlyAppPassword?: string): string {
  return `SELECT tp.app_passwords_enabled, tp.max_app_passwords_per_user, tp.require_two_step_for_app_passwords,
                tp.services AS catalog, tp.allowed_services, tp.require_networks, tp.max_lifetime_days,
                ${twoStepStatusColumns(user, tenant)},
                (SELECT coalesce(json_agg(${appPasswordTupleSql()} ORDER BY ap.created_at ASC, ap.id ASC), '[]')
                   FROM app_passwords ap
                  WHERE ap.tenant_id = tp.tenant_id AND ap.user_id = ${user}${onlyAppPassword ? ` AND ap.id = ${onlyAppPassword}` : ''}) AS app_passwords
           FROM tenant_policies tp
          WHERE tp.tenant_id = ${tenant}`;
}

const OWN = securityInfoSelect('$1', '$2');
const ONLY_THIS = securityInfoSelect('$1', '$2', '$3');

/**
 * The actor's own app passwords, oldest first, with the policy that governs
 * them and the actor's two-step status (which the policy may require), read
 * in the request's transaction. An app signed in with an app password sees
 * that one only: it signs one device in, and has no business with the
 * owner's other devices.
 */
export async function readSecurityInfo(reader: TenantReader, actor: UserActor): Promise<SecurityInfoData> {
  const onlyThis = actor.signedInWith === 'app_password';
  // A named statement: PostgreSQL plans it once per connection (planning cost as much as running it).
  const rows = await reader.read(actor.tenantId, (m) =>
    onlyThis
      ? preparedRead<SecurityInfoRow>(m, 'security_info_of_app_password', ONLY_THIS, [actor.tenantId, actor.userId, actor.appPasswordId])
      : preparedRead<SecurityInfoRow>(m, 'security_info', OWN, [actor.tenantId, actor.userId]),
  );
  if (rows.length === 0) throw notFound('Tenant policy');
  return securityInfoOf(rows[0]!, actor);
}

/** What the page shows, from the read's row (the request's own read, or the one the session lookup carried) for `owner`. */
export function securityInfoOf(row: SecurityInfoRow, owner: { tenantId: string; userId: string }): SecurityInfoData {
  const policy = { appPasswordsEnabled: row.app_passwords_enabled, maxAppPasswordsPerUser: row.max_app_passwords_per_user };
  const now = new Date();
  const tupleOwner = { tenantId: owner.tenantId, userId: owner.userId, allowedServices: row.allowed_services };
  const appPasswords = row.app_passwords.map((tuple) => appPasswordFromTuple(tuple, tupleOwner, now));
  const appPasswordCount = appPasswords.filter((a) => !a.expiresAt || a.expiresAt > now).length;
  return {
    appPasswords,
    services: servicesOf({ services: row.catalog, allowed_services: row.allowed_services }).filter((service) => service.allowed),
    networksRequired: row.require_networks,
    maxLifetimeDays: row.max_lifetime_days,
    appPasswordCount,
    appPasswordLimit: appPasswordLimit(policy),
    appPasswordsAllowed: allowsAppPasswords(policy),
    appPasswordsRequireTwoStep: row.require_two_step_for_app_passwords,
    twoStep: twoStepStatusOf(row),
  };
}
