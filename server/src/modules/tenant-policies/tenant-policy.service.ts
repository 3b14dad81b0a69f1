import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import type { RequestInfo, TenantReader } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { Role } from '../users/user.entity.js';
import { chooseServices, isProblem } from '../services/service-catalog.js';
import { passwordSignInOffProblem, revokeUnusedAfterDaysProblem, twoStepRequiredForAdmin } from './tenant-policy.rules.js';
import { passwordSignInOffState, type IdentityProviderConfigured } from './break-glass-admins.js';
import { ExistingAppPasswords, TenantPolicy } from './tenant-policy.entity.js';

export interface TenantPolicyChanges {
  appPasswordsEnabled?: boolean;
  /** Required when switching off: what happens to the app passwords users already have. */
  existingAppPasswords?: ExistingAppPasswords;
  maxAppPasswordsPerUser?: number;
  /** null: never expire. */
  maxLifetimeDays?: number | null;
  revokeWhenPrimaryPasswordChanges?: boolean;
  requireTwoStepForAppPasswords?: boolean;
  requireTwoStepForAdmins?: boolean;
  auditRetentionDays?: number;
  allowedServices?: string[];
  requireNetworks?: boolean;
  /** null: off; else 30–730 days. */
  revokeUnusedAfterDays?: number | null;
  expiryReminders?: boolean;
  /** Off needs single sign-on configured and a break-glass admin. */
  passwordSignIn?: boolean;
}

/**
 * Deletes every app password of the tenant, one audit event each, in the
 * caller's transaction; returns how many went. The app-passwords module
 * provides it (it builds on this one, not the other way round).
 */
export type RevokeTenantAppPasswords = (
  m: EntityManager,
  revocation: { tenantId: string; actor: AuditRecord['actor']; reason: string; request: RequestInfo | null },
) => Promise<number>;

export interface AffectedAppPasswords {
  users: number;
  appPasswords: number;
}

const POLICY_FIELDS = [
  'appPasswordsEnabled',
  'existingWhenDisabled',
  'maxAppPasswordsPerUser',
  'maxLifetimeDays',
  'revokeWhenPrimaryPasswordChanges',
  'requireTwoStepForAppPasswords',
  'requireTwoStepForAdmins',
  'auditRetentionDays',
  'allowedServices',
  'requireNetworks',
  'revokeUnusedAfterDays',
  'expiryReminders',
  'passwordSignIn',
] as const;

function snapshot(policy: TenantPolicy) {
  return Object.fromEntries(POLICY_FIELDS.map((f) => [f, policy[f]]));
}

export class TenantPolicyService {
  constructor(
    private readonly db: DataSource,
    private readonly revokeAppPasswords: RevokeTenantAppPasswords,
    /** Switching password sign-in off needs single sign-on (the single-sign-on module provides the answer). */
    private readonly identityProviderConfigured: IdentityProviderConfigured,
  ) {}

  async get(reader: TenantReader, tenantId: string): Promise<TenantPolicy> {
    const policy = await reader.read(tenantId, (m) => m.findOneBy(TenantPolicy, { tenantId }));
    if (!policy) throw notFound('Tenant policy');
    return policy;
  }

  /** Whether the tenant's rule on admins' two-step verification holds this user back from admin work now. */
  async twoStepRequiredForAdmin(reader: TenantReader, user: { id: string; tenantId: string; role: Role }): Promise<boolean> {
    if (user.role !== Role.TENANT_ADMIN) return false; // the rule's first test, without a query
    const [row]: Array<{ required: boolean; enabled: boolean }> = await reader.read(user.tenantId, (m) =>
      m.query(
        `SELECT tp.require_two_step_for_admins AS required,
                EXISTS (SELECT 1 FROM totp_authenticators t WHERE t.user_id = $2 AND t.tenant_id = $1 AND t.confirmed_at IS NOT NULL) AS enabled
           FROM tenant_policies tp WHERE tp.tenant_id = $1`,
        [user.tenantId, user.id],
      ),
    );
    return !!row && twoStepRequiredForAdmin({ requireTwoStepForAdmins: row.required }, { role: user.role, twoStepEnabled: row.enabled });
  }

  /** How many users and app passwords switching off would affect: none keep-working, all block or revoke. */
  async previewSwitchOff(
    reader: TenantReader,
    tenantId: string,
  ): Promise<Record<'keepWorking' | 'block' | 'revoke', AffectedAppPasswords>> {
    const [row] = await reader.read(tenantId, (m) =>
      m.query(`SELECT count(DISTINCT user_id)::int AS users, count(*)::int AS "appPasswords" FROM app_passwords WHERE tenant_id = $1`, [
        tenantId,
      ]),
    );
    const affected: AffectedAppPasswords = { users: row.users, appPasswords: row.appPasswords };
    return { keepWorking: { users: 0, appPasswords: 0 }, block: affected, revoke: affected };
  }

  /**
   * Changes the policy, all or nothing, and records one audit event with
   * before and after. Switching off needs `existingAppPasswords`; REVOKE
   * deletes every app password of the tenant in the same transaction (each
   * with its own audit event) and then behaves as BLOCK.
   */
  async update(
    tenantId: string,
    changes: TenantPolicyChanges,
    actor: AuditRecord['actor'],
    request: RequestInfo | null = null,
  ): Promise<{ policy: TenantPolicy; revokedAppPasswords: number }> {
    return withTenant(this.db, tenantId, async (m) => {
      const policy = await m.findOne(TenantPolicy, { where: { tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw notFound('Tenant policy');
      const before = snapshot(policy);

      const enabledAfter = changes.appPasswordsEnabled ?? policy.appPasswordsEnabled;
      const switchingOff = policy.appPasswordsEnabled && !enabledAfter;
      if (switchingOff && !changes.existingAppPasswords) {
        throw badInput('Say what happens to existing app passwords: KEEP_WORKING, BLOCK or REVOKE.', 'existingAppPasswords');
      }
      if (changes.existingAppPasswords && enabledAfter) {
        throw badInput('existingAppPasswords applies only while app passwords are switched off.', 'existingAppPasswords');
      }

      const unusedProblem =
        changes.revokeUnusedAfterDays === undefined ? undefined : revokeUnusedAfterDaysProblem(changes.revokeUnusedAfterDays);
      if (unusedProblem) throw badInput(unusedProblem, 'revokeUnusedAfterDays');

      let revokedAppPasswords = 0;
      if (changes.existingAppPasswords === ExistingAppPasswords.REVOKE) {
        revokedAppPasswords = await this.revokeAppPasswords(m, {
          tenantId,
          actor,
          reason: 'App passwords were switched off for the tenant',
          request,
        });
        policy.existingWhenDisabled = ExistingAppPasswords.BLOCK;
      } else if (changes.existingAppPasswords) {
        policy.existingWhenDisabled = changes.existingAppPasswords;
      }
      policy.appPasswordsEnabled = enabledAfter;
      if (changes.maxAppPasswordsPerUser !== undefined) policy.maxAppPasswordsPerUser = changes.maxAppPasswordsPerUser;
      if (changes.maxLifetimeDays !== undefined) policy.maxLifetimeDays = changes.maxLifetimeDays;
      if (changes.revokeWhenPrimaryPasswordChanges !== undefined) {
        policy.revokeWhenPrimaryPasswordChanges = changes.revokeWhenPrimaryPasswordChanges;
      }
      if (changes.requireTwoStepForAppPasswords !== undefined) {
        policy.requireTwoStepForAppPasswords = changes.requireTwoStepForAppPasswords;
      }
      if (changes.requireTwoStepForAdmins !== undefined) policy.requireTwoStepForAdmins = changes.requireTwoStepForAdmins;
      if (changes.auditRetentionDays !== undefined) policy.auditRetentionDays = changes.auditRetentionDays;
      if (changes.allowedServices !== undefined) {
        const keys = policy.services.map((service) => service.key);
        const chosen = chooseServices(changes.allowedServices, keys, 'allowedServices');
        if (isProblem(chosen)) throw badInput(chosen.problem, chosen.field);
        policy.allowedServices = chosen.services;
      }
      if (changes.requireNetworks !== undefined) policy.requireNetworks = changes.requireNetworks;
      if (changes.revokeUnusedAfterDays !== undefined) policy.revokeUnusedAfterDays = changes.revokeUnusedAfterDays;
      if (changes.expiryReminders !== undefined) policy.expiryReminders = changes.expiryReminders;
      if (changes.passwordSignIn === false && policy.passwordSignIn) {
        const problem = passwordSignInOffProblem(await passwordSignInOffState(m, tenantId, this.identityProviderConfigured));
        if (problem) throw badInput(problem, 'passwordSignIn');
      }
      if (changes.passwordSignIn !== undefined) policy.passwordSignIn = changes.passwordSignIn;

      const saved = await m.save(policy);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.TENANT_POLICY_UPDATED,
        actor,
        request,
        details: { before, after: snapshot(saved), ...(revokedAppPasswords ? { revokedAppPasswords } : {}) },
      });
      return { policy: saved, revokedAppPasswords };
    });
  }
}
