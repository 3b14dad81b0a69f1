import { describe, expect, it } from 'vitest';
import { Role } from '../users/user.entity.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN } from '../../db/migrations/1796600000000-SessionViewer.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION } from '../../db/migrations/1797500000000-SingleSignOn.js';
import {
  allowsAppPasswords,
  appPasswordLimit,
  chosenExpiry,
  expiryFor,
  hasRoomForAppPassword,
  twoStepRequiredForAdmin,
  twoStepRequiredForAdminSql,
  hasSecondFactor,
  passwordSignInAllowed,
  passwordSignInOffProblem,
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
    expect(twoStepRequiredForAdminSql('u', 's')).toBe(TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION);
  });

  it('counts a second factor at the identity provider as two-step verification, for admins and app passwords alike', () => {
    const on = { requireTwoStepForAdmins: true };
    expect(twoStepRequiredForAdmin(on, { role: Role.TENANT_ADMIN, twoStepEnabled: false, twoStepAtProvider: true })).toBe(false);
    expect(twoStepRequiredForAdmin(on, { role: Role.TENANT_ADMIN, twoStepEnabled: false, twoStepAtProvider: false })).toBe(true);
    expect(hasSecondFactor({ twoStepEnabled: false, twoStepAtProvider: true })).toBe(true);
    expect(hasSecondFactor({ twoStepEnabled: true })).toBe(true);
    expect(hasSecondFactor({ twoStepEnabled: false })).toBe(false);
  });
});

describe('password sign-in', () => {
  it('is open to everyone while on, and only to admins with two-step verification while off', () => {
    const off = { passwordSignIn: false };
    expect(passwordSignInAllowed({ passwordSignIn: true }, { role: Role.USER, twoStepEnabled: false })).toBe(true);
    expect(passwordSignInAllowed(off, { role: Role.USER, twoStepEnabled: true })).toBe(false);
    expect(passwordSignInAllowed(off, { role: Role.TENANT_ADMIN, twoStepEnabled: false })).toBe(false);
    expect(passwordSignInAllowed(off, { role: Role.TENANT_ADMIN, twoStepEnabled: true })).toBe(true);
  });

  it('can be switched off only with single sign-on set up and a break-glass admin', () => {
    expect(passwordSignInOffProblem({ providerConfigured: false, breakGlassAdmins: 2 })).toMatch(/single sign-on/);
    expect(passwordSignInOffProblem({ providerConfigured: true, breakGlassAdmins: 0 })).toMatch(/admin with two-step/);
    expect(passwordSignInOffProblem({ providerConfigured: true, breakGlassAdmins: 1 })).toBeNull();
  });
});

describe('the expiry an owner chooses', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const capped = { appPasswordsEnabled: true, maxAppPasswordsPerUser: 40, maxLifetimeDays: 90 };
  const open = { ...capped, maxLifetimeDays: null };
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

  it('is the maximum, or never, when nothing is chosen', () => {
    expect(chosenExpiry(capped, {}, now)).toEqual({ expiresAt: inDays(90) });
    expect(chosenExpiry(open, {}, now)).toEqual({ expiresAt: null });
  });

  it('is so many days, or a time, within the maximum', () => {
    expect(chosenExpiry(capped, { expiresInDays: 30 }, now)).toEqual({ expiresAt: inDays(30) });
    expect(chosenExpiry(capped, { expiresAt: inDays(89) }, now)).toEqual({ expiresAt: inDays(89) });
    expect(chosenExpiry(open, { expiresInDays: 3650 }, now)).toEqual({ expiresAt: inDays(3650) });
  });

  it('refuses beyond the maximum, in the past, out of range, or both at once, naming the field', () => {
    expect(chosenExpiry(capped, { expiresInDays: 91 }, now)).toMatchObject({ field: 'expiresInDays' });
    expect(chosenExpiry(capped, { expiresAt: inDays(91) }, now)).toMatchObject({ field: 'expiresAt' });
    expect(chosenExpiry(open, { expiresAt: new Date(now.getTime() - 1) }, now)).toMatchObject({ field: 'expiresAt' });
    expect(chosenExpiry(open, { expiresAt: inDays(3651) }, now)).toMatchObject({ field: 'expiresAt' });
    expect(chosenExpiry(open, { expiresInDays: 0 }, now)).toMatchObject({ field: 'expiresInDays' });
    expect(chosenExpiry(open, { expiresInDays: 1.5 }, now)).toMatchObject({ field: 'expiresInDays' });
    expect(chosenExpiry(open, { expiresInDays: 3, expiresAt: inDays(3) }, now)).toMatchObject({ field: 'expiresAt' });
  });
});
