import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@app-passwords/schema';
import {
  checkRole,
  checkSource,
  generateInitialPassword,
  INITIAL_PASSWORD_LENGTH,
  normaliseDisplayName,
  normaliseEmail,
  normaliseExternalId,
} from './user.rules.js';

const fieldOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    const { code, field } = (error as { extensions: { code: string; field?: string } }).extensions;
    return `${code}:${field}`;
  }
  return 'accepted';
};

describe('user rules', () => {
  it('trims sign-in names and refuses what is not an address', () => {
    expect(normaliseEmail('  Ann@Example.org ')).toBe('Ann@Example.org');
    for (const bad of ['', 'ann', 'ann@example', 'a b@example.org', `${'a'.repeat(250)}@x.org`, 'ann\u0000@example.org']) {
      expect(fieldOf(() => normaliseEmail(bad))).toBe(`${ErrorCode.BAD_USER_INPUT}:email`);
    }
  });

  it('keeps display names of 1 to 100 characters without control characters', () => {
    expect(normaliseDisplayName('  Ann  Lee ')).toBe('Ann  Lee');
    expect(normaliseDisplayName('Cafe\u0301')).toBe('Café');
    expect(normaliseDisplayName('x'.repeat(100))).toHaveLength(100);
    for (const bad of ['', '   ', 'x'.repeat(101), 'tab\there']) {
      expect(fieldOf(() => normaliseDisplayName(bad))).toBe(`${ErrorCode.BAD_USER_INPUT}:displayName`);
    }
  });

  it('keeps external ids exactly, and empty as none', () => {
    expect(normaliseExternalId(' a-1 ')).toBe(' a-1 ');
    expect(normaliseExternalId('')).toBeNull();
    expect(normaliseExternalId(undefined)).toBeNull();
    expect(fieldOf(() => normaliseExternalId('x'.repeat(257)))).toBe(`${ErrorCode.BAD_USER_INPUT}:externalId`);
  });

  it('knows the roles and sources', () => {
    expect(checkRole('TENANT_ADMIN')).toBe('TENANT_ADMIN');
    expect(fieldOf(() => checkRole('admin'))).toBe(`${ErrorCode.BAD_USER_INPUT}:role`);
    expect(checkSource('scim')).toBe('scim');
    expect(fieldOf(() => checkSource('ldap'))).toBe(`${ErrorCode.BAD_USER_INPUT}:source`);
  });

  it('generates different initial passwords from an unambiguous alphabet', () => {
    const passwords = new Set(Array.from({ length: 200 }, generateInitialPassword));
    expect(passwords.size).toBe(200);
    for (const p of passwords) expect(p).toMatch(new RegExp(`^[a-km-zA-HJ-NP-Z2-9]{${INITIAL_PASSWORD_LENGTH}}$`));
  });
});
