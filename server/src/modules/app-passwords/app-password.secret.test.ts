import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, verifyAgainstNothing, verifySecret } from '../../common/argon2.js';
import {
  APP_PASSWORD_LENGTH,
  appPasswordLookupTag,
  formatAppPassword,
  generateAppPassword,
  normaliseAppPassword,
  parseAppPasswordName,
} from './app-password.secret.js';

describe('generateAppPassword', () => {
  it('makes 28 lowercase letters (≈131 bits), different every time', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateAppPassword));
    expect(secrets.size).toBe(1000);
    for (const secret of secrets) expect(secret).toMatch(/^[a-z]{28}$/);
    expect(APP_PASSWORD_LENGTH * Math.log2(26)).toBeGreaterThan(128);
  });

  it('uses every letter about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const c of generateAppPassword()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(26);
    const expected = (2000 * 28) / 26; // ≈ 2154 per letter
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.12);
  });
});

describe('formatAppPassword and normaliseAppPassword', () => {
  it('shows the secret in groups of four and accepts it back with spaces and any case', () => {
    const secret = 'abcdefghijklmnopqrstuvwxyzab';
    expect(formatAppPassword(secret)).toBe('abcd efgh ijkl mnop qrst uvwx yzab');
    expect(normaliseAppPassword(formatAppPassword(secret))).toBe(secret);
    expect(normaliseAppPassword(' ABCD efgh IJKL\tmnop qrst uvwx yzab\n')).toBe(secret);
  });

  it('rejects what cannot be an app password', () => {
    for (const input of [
      '',
      'abc',
      'abcdefghijklmnopqrstuvwxyza',
      'abcdefghijklmnopqrstuvwxyzabc',
      'abcdefghijklmnopqrstuvwxy1b',
      'äbcdefghijklmnopqrstuvwxyzab',
    ]) {
      expect(normaliseAppPassword(input)).toBeUndefined();
    }
  });
});

describe('appPasswordLookupTag', () => {
  it('is a 32-byte keyed hash: same key and secret give the same tag, another key another tag', () => {
    const key = randomBytes(32);
    const secret = generateAppPassword();
    const tag = appPasswordLookupTag(key, secret);
    expect(tag).toHaveLength(32);
    expect(appPasswordLookupTag(key, secret).equals(tag)).toBe(true);
    expect(appPasswordLookupTag(randomBytes(32), secret).equals(tag)).toBe(false);
    expect(appPasswordLookupTag(key, generateAppPassword()).equals(tag)).toBe(false);
  });
});

describe('argon2id', () => {
  it('hashes with the stated parameters and verifies only the right secret (the native binary loads)', async () => {
    const secret = generateAppPassword();
    const hash = await hashSecret(secret);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifySecret(hash, secret)).toBe(true);
    expect(await verifySecret(hash, generateAppPassword())).toBe(false);
    expect(await verifySecret('not a hash', secret)).toBe(false);
    expect(await verifyAgainstNothing(secret)).toBe(false);
  });
});

describe('parseAppPasswordName', () => {
  it('trims and keeps 1–64 characters of free text, emoji and accents included', () => {
    expect(parseAppPasswordName('  Outlook on my phone  ')).toEqual({ name: 'Outlook on my phone' });
    expect(parseAppPasswordName('Imprimante du 2ᵉ étage 🖨️')).toEqual({ name: 'Imprimante du 2ᵉ étage 🖨️' });
    expect(parseAppPasswordName('x'.repeat(64))).toEqual({ name: 'x'.repeat(64) });
    expect(parseAppPasswordName('😀'.repeat(64))).toEqual({ name: '😀'.repeat(64) });
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \t  '],
    ['65 characters', 'x'.repeat(65)],
    ['a bell character', 'Printer\u0007'],
    ['a newline inside', 'Line one\nline two'],
    ['a line separator', 'a\u2028b'],
    ['DEL', 'abc\u007f'],
    ['a lone surrogate', 'abc\ud800'],
    ['10 KB', 'x'.repeat(10_240)],
  ])('rejects %s', (_label, input) => {
    expect(parseAppPasswordName(input)).toHaveProperty('problem');
  });
});
