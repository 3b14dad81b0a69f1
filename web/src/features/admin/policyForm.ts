import {
  MAX_APP_PASSWORD_LIFETIME_DAYS,
  MAX_APP_PASSWORDS_PER_USER,
  MAX_AUDIT_RETENTION_DAYS,
  MAX_REVOKE_UNUSED_AFTER_DAYS,
  MIN_REVOKE_UNUSED_AFTER_DAYS,
  type ExistingAppPasswords,
  type TenantPolicyFieldsFragment,
  type UpdateTenantPolicyInput,
} from '@app-passwords/schema';
import { sameKeys } from '../services/services';

/**
 * The tenant policy as the policy page's form holds it: a switch beside each
 * number the API keeps as null for "none", numbers as the admin typed them.
 */
export interface PolicyForm {
  enabled: boolean;
  existing: ExistingAppPasswords | undefined;
  limit: number;
  expires: boolean;
  lifetimeDays: number;
  revokeOnPasswordChange: boolean;
  requireTwoStep: boolean;
  adminsNeedTwoStep: boolean;
  retentionDays: number;
  allowedServices: string[];
  requireNetworks: boolean;
  revokeUnused: boolean;
  unusedDays: number | '';
  expiryReminders: boolean;
}

/** What a switched-off number starts at when the admin switches it on. */
const DEFAULT_LIFETIME_DAYS = 365;
const DEFAULT_UNUSED_DAYS = 180;

/** The form for a policy as it is stored. */
export function policyForm(p: TenantPolicyFieldsFragment): PolicyForm {
  return {
    enabled: p.appPasswordsEnabled,
    existing: p.appPasswordsEnabled ? undefined : p.existingWhenDisabled,
    limit: p.maxAppPasswordsPerUser,
    expires: p.maxLifetimeDays !== null,
    lifetimeDays: p.maxLifetimeDays ?? DEFAULT_LIFETIME_DAYS,
    revokeOnPasswordChange: p.revokeWhenPrimaryPasswordChanges,
    requireTwoStep: p.requireTwoStepForAppPasswords,
    adminsNeedTwoStep: p.requireTwoStepForAdmins,
    retentionDays: p.auditRetentionDays,
    allowedServices: [...p.allowedServices],
    requireNetworks: p.requireNetworks,
    revokeUnused: p.revokeUnusedAfterDays !== null,
    unusedDays: p.revokeUnusedAfterDays ?? DEFAULT_UNUSED_DAYS,
    expiryReminders: p.expiryReminders,
  };
}

export type PolicyField = 'existing' | 'limit' | 'lifetime' | 'retention' | 'services' | 'unused';

const wholeIn = (value: unknown, min: number, max: number) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** Field → message key of what is wrong with it; empty when the form can be saved. */
export function policyProblems(form: PolicyForm): Partial<Record<PolicyField, string>> {
  const problems: Partial<Record<PolicyField, string>> = {};
  if (!form.enabled && !form.existing) problems.existing = 'admin.policy.chooseExisting';
  if (!wholeIn(form.limit, 1, MAX_APP_PASSWORDS_PER_USER)) problems.limit = 'admin.policy.limitInvalid';
  if (form.expires && !wholeIn(form.lifetimeDays, 1, MAX_APP_PASSWORD_LIFETIME_DAYS)) problems.lifetime = 'admin.policy.daysInvalid';
  if (!wholeIn(form.retentionDays, 1, MAX_AUDIT_RETENTION_DAYS)) problems.retention = 'admin.policy.daysInvalid';
  if (form.allowedServices.length === 0) problems.services = 'admin.policy.servicesMissing';
  if (form.revokeUnused && !wholeIn(form.unusedDays, MIN_REVOKE_UNUSED_AFTER_DAYS, MAX_REVOKE_UNUSED_AFTER_DAYS))
    problems.unused = 'admin.policy.unusedDaysInvalid';
  return problems;
}

/** Only what changed, so the audit event shows exactly what the admin did. */
export function policyChanges(form: PolicyForm, p: TenantPolicyFieldsFragment): UpdateTenantPolicyInput {
  const input: UpdateTenantPolicyInput = {};
  if (form.enabled !== p.appPasswordsEnabled) input.appPasswordsEnabled = form.enabled;
  if (!form.enabled && (p.appPasswordsEnabled || form.existing !== p.existingWhenDisabled)) input.existingAppPasswords = form.existing;
  if (form.limit !== p.maxAppPasswordsPerUser) input.maxAppPasswordsPerUser = form.limit;
  const lifetime = form.expires ? form.lifetimeDays : null;
  if (lifetime !== p.maxLifetimeDays) input.maxLifetimeDays = lifetime;
  if (form.revokeOnPasswordChange !== p.revokeWhenPrimaryPasswordChanges)
    input.revokeWhenPrimaryPasswordChanges = form.revokeOnPasswordChange;
  if (form.requireTwoStep !== p.requireTwoStepForAppPasswords) input.requireTwoStepForAppPasswords = form.requireTwoStep;
  if (form.adminsNeedTwoStep !== p.requireTwoStepForAdmins) input.requireTwoStepForAdmins = form.adminsNeedTwoStep;
  if (form.retentionDays !== p.auditRetentionDays) input.auditRetentionDays = form.retentionDays;
  if (!sameKeys(form.allowedServices, p.allowedServices)) input.allowedServices = form.allowedServices;
  if (form.requireNetworks !== p.requireNetworks) input.requireNetworks = form.requireNetworks;
  const unusedDays = form.revokeUnused ? (form.unusedDays as number) : null;
  if (unusedDays !== p.revokeUnusedAfterDays) input.revokeUnusedAfterDays = unusedDays;
  if (form.expiryReminders !== p.expiryReminders) input.expiryReminders = form.expiryReminders;
  return input;
}
