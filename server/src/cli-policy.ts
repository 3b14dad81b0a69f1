import {
  MAX_APP_PASSWORDS_PER_USER,
  MAX_REVOKE_UNUSED_AFTER_DAYS,
  MIN_REVOKE_UNUSED_AFTER_DAYS,
  UNUSED_NOTICE_DAYS,
} from '@app-passwords/schema';
import { UsageError } from './cli-usage.js';
import { badInput } from './common/errors.js';
import { ExistingAppPasswords, type TenantPolicy } from './modules/tenant-policies/tenant-policy.entity.js';
import { revokeUnusedAfterDaysProblem } from './modules/tenant-policies/tenant-policy.rules.js';
import type { TenantPolicyChanges } from './modules/tenant-policies/tenant-policy.service.js';

export type Flags = Record<string, string | boolean | undefined>;

/** A flag that takes on or off: true, false, or undefined when it was not given. */
export function onOff(flags: Flags, name: string): boolean | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') throw new UsageError(`--${name} takes on or off.`);
  return value === 'on';
}

/** A flag that takes a whole number: the number, or undefined when it was not given. */
function wholeNumber(flags: Flags, name: string, range: string): number | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`--${name} takes ${range}.`);
  return Number(value);
}

/**
 * What `tenant set-policy`'s flags change. A value of the wrong kind is a
 * usage error; a number out of range is refused by the same rule as the
 * GraphQL input's (the service checks the unused days again).
 */
export function policyChanges(flags: Flags): TenantPolicyChanges {
  const changes: TenantPolicyChanges = {};
  const switchTo = onOff(flags, 'app-passwords');
  if (switchTo !== undefined) changes.appPasswordsEnabled = switchTo;
  const existing = flags.existing;
  if (existing !== undefined) {
    const choice = { keep: ExistingAppPasswords.KEEP_WORKING, block: ExistingAppPasswords.BLOCK, revoke: ExistingAppPasswords.REVOKE }[
      String(existing)
    ];
    if (!choice) throw new UsageError('--existing takes keep, block or revoke.');
    changes.existingAppPasswords = choice;
  }
  const perUser = `a whole number from 1 to ${MAX_APP_PASSWORDS_PER_USER}`;
  const max = wholeNumber(flags, 'max-per-user', perUser);
  if (max !== undefined) {
    // The GraphQL input checks this range with its decorators; the CLI is the other way in.
    if (max < 1 || max > MAX_APP_PASSWORDS_PER_USER) throw badInput(`The limit per user is ${perUser}.`, 'maxAppPasswordsPerUser');
    changes.maxAppPasswordsPerUser = max;
  }
  const twoStep = onOff(flags, 'require-two-step');
  if (twoStep !== undefined) changes.requireTwoStepForAppPasswords = twoStep;
  const adminTwoStep = onOff(flags, 'require-two-step-for-admins');
  if (adminTwoStep !== undefined) changes.requireTwoStepForAdmins = adminTwoStep;
  const unusedDays = `off or a whole number of days from ${MIN_REVOKE_UNUSED_AFTER_DAYS} to ${MAX_REVOKE_UNUSED_AFTER_DAYS}`;
  if (flags['revoke-unused-after-days'] === 'off') changes.revokeUnusedAfterDays = null;
  else {
    const days = wholeNumber(flags, 'revoke-unused-after-days', unusedDays);
    if (days !== undefined) {
      if (revokeUnusedAfterDaysProblem(days)) throw badInput(`--revoke-unused-after-days takes ${unusedDays}.`, 'revokeUnusedAfterDays');
      changes.revokeUnusedAfterDays = days;
    }
  }
  const reminders = onOff(flags, 'expiry-reminders');
  if (reminders !== undefined) changes.expiryReminders = reminders;
  if (Object.keys(changes).length === 0) {
    throw new UsageError(
      'tenant set-policy needs --app-passwords, --existing, --max-per-user, --require-two-step, --require-two-step-for-admins, ' +
        '--revoke-unused-after-days or --expiry-reminders.',
    );
  }
  return changes;
}

/** The policy after `tenant set-policy`, in one line. */
export function policySummary(tenantName: string, policy: TenantPolicy, revokedAppPasswords: number): string {
  const state = policy.appPasswordsEnabled
    ? 'on'
    : `off (existing ones ${policy.existingWhenDisabled === ExistingAppPasswords.KEEP_WORKING ? 'keep working' : 'are refused'})`;
  const revoked = revokedAppPasswords ? `, ${revokedAppPasswords} deleted` : '';
  const twoStepRule = policy.requireTwoStepForAppPasswords ? 'only with two-step verification' : 'with or without two-step verification';
  const adminRule = policy.requireTwoStepForAdmins ? 'admins need two-step verification' : 'admins may work with a password alone';
  const unused = policy.revokeUnusedAfterDays
    ? `unused ones revoked after ${policy.revokeUnusedAfterDays} days (owners told ${UNUSED_NOTICE_DAYS} days before)`
    : 'unused ones kept';
  const reminders = policy.expiryReminders ? 'owners reminded before expiry' : 'no expiry reminders';
  return `${tenantName}: app passwords ${state}${revoked}, at most ${policy.maxAppPasswordsPerUser} per user, ${twoStepRule}, ${unused}, ${reminders}; ${adminRule}`;
}
