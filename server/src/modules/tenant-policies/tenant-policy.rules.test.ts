import { describe, expect, it } from 'vitest';
import { Role } from '../users/user.entity.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN } from '../../db/migrations/1796600000000-SessionViewer.js';
import {
  allowsAppPasswords,
  appPasswordLimit,
  expiryFor,
  hasRoomForAppPassword,
  twoStepRequiredForAdmin,
  twoStepRequiredForAdminSql,
} from './tenant-policy.rules.js';

describe('tenant policy rules', () => {
  it('caps the per-user limit at 40 whatever is stored, and never below 1', () => {
    expect(appPasswordLimit({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 40 })).toBe(40);
    expect(appPasswordLimit({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 99 })).toBe(40);
    expect(appPasswordLimit({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 0 })).toBe(1);
    expect(hasRoomForAppPassword({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 3 }, 2)).toBe(true);
    expect(hasRoomForAppPassword({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 3 }, 3)).toBe(false);
  });

  it('allows new app passwords only when switched on', () => {
    expect(allowsAppPasswords({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 40 })).toBe(true);
    expect(allowsAppPasswords({ appPasswordsEnabled: false, maxAppPasswordsPerUser: 40 })).toBe(false);
    expect(allowsAppPasswords(null)).toBe(false);
  });

  it('gives new app passwords an expiry only when the tenant sets a lifetime', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(expiryFor({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 40, maxLifetimeDays: null }, now)).toBeNull();
    expect(expiryFor({ appPasswordsEnabled: true, maxAppPasswordsPerUser: 40, maxLifetimeDays: 30 }, now)?.toISOString()).toBe(
      '2026-01-31T00:00:00.000Z',
    );
  });

  it('holds back admin work only for admins without two-step verification, and only where the tenant requires it', () => {
    const on = { requireTwoStepForAdmins: true };
    const off = { requireTwoStepForAdmins: false };
    expect(twoStepRequiredForAdmin(on, { role: Role.TENANT_ADMIN, twoStepEnabled: false })).toBe(true);
    expect(twoStepRequiredForAdmin(on, { role: Role.TENANT_ADMIN, twoStepEnabled: true })).toBe(false);
    expect(twoStepRequiredForAdmin(off, { role: Role.TENANT_ADMIN, twoStepEnabled: false })).toBe(false);
    expect(twoStepRequiredForAdmin(on, { role: Role.USER, twoStepEnabled: false })).toBe(false);
  });

  it('is the rule the session lookup installed by the newest migration applies (change it with a new migration)', () => {
    expect(twoStepRequiredForAdminSql('u')).toBe(TWO_STEP_REQUIRED_FOR_ADMIN);
  });
});
