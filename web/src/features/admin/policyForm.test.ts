import { describe, expect, it } from 'vitest';
import type { TenantPolicyFieldsFragment } from '@app-passwords/schema';
import { policyChanges, policyForm, policyProblems } from './policyForm';

const stored: TenantPolicyFieldsFragment = {
  appPasswordsEnabled: true,
  existingWhenDisabled: 'KEEP_WORKING',
  maxAppPasswordsPerUser: 20,
  maxLifetimeDays: null,
  revokeWhenPrimaryPasswordChanges: false,
  requireTwoStepForAppPasswords: true,
  requireTwoStepForAdmins: true,
  auditRetentionDays: 365,
  allowedServices: ['imap', 'smtp'],
  requireNetworks: false,
  revokeUnusedAfterDays: null,
  expiryReminders: true,
  passwordSignIn: true,
  updatedAt: '2026-12-01T10:00:00Z',
} as TenantPolicyFieldsFragment;

describe('policyForm', () => {
  it('sends nothing for an untouched form, and only what changed otherwise', () => {
    const form = policyForm(stored);
    expect(policyProblems(form)).toEqual({});
    expect(policyChanges(form, stored)).toEqual({});

    form.allowedServices = ['smtp', 'imap'];
    expect(policyChanges(form, stored)).toEqual({});
    form.expires = true;
    form.revokeUnused = true;
    form.enabled = false;
    form.existing = 'BLOCK';
    expect(policyChanges(form, stored)).toEqual({
      appPasswordsEnabled: false,
      existingAppPasswords: 'BLOCK',
      maxLifetimeDays: 365,
      revokeUnusedAfterDays: 180,
    });
  });

  it('names each field that cannot be saved', () => {
    const form = { ...policyForm(stored), enabled: false, limit: 0, expires: true, lifetimeDays: 1.5, allowedServices: [] };
    expect(policyProblems({ ...form, revokeUnused: true, unusedDays: '' as const })).toEqual({
      existing: 'admin.policy.chooseExisting',
      limit: 'admin.policy.limitInvalid',
      lifetime: 'admin.policy.daysInvalid',
      services: 'admin.policy.servicesMissing',
      unused: 'admin.policy.unusedDaysInvalid',
    });
  });
});
