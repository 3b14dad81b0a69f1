import { randomBytes } from 'node:crypto';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  normaliseTotpCode,
  recoveryCodeTag,
  totpUri,
  verifyTotpCode,
} from './two-step.secret.js';

const at = (secret: string, ms: number) => generateSync({ secret, epoch: Math.floor(ms / 1000) });

describe('TOTP codes', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 10); // 10 s into a 30 s step
  const secret = newTotpSecret();

  it('draws a 160-bit key, in base32, and a URI that names the product and the user', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    expect(totpUri(secret, 'adele@contoso.example')).toBe(
      `otpauth://totp/App%20Passwords:adele%40contoso.example?secret=${secret}&issuer=App%20Passwords`,
    );
  });

  it('accepts the current step and one step either side, and nothing further', () => {
    const step = Math.floor(now / 30_000);
    expect(verifyTotpCode(secret, at(secret, now), null, now)).toBe(step);
    expect(verifyTotpCode(secret, at(secret, now - 30_000), null, now)).toBe(step - 1);
    expect(verifyTotpCode(secret, at(secret, now + 30_000), null, now)).toBe(step + 1);
    expect(verifyTotpCode(secret, at(secret, now - 60_000), null, now)).toBeUndefined();
    expect(verifyTotpCode(secret, at(secret, now + 60_000), null, now)).toBeUndefined();
  });

  it('refuses a code of a step at or before the last one used (no replay)', () => {
    const step = Math.floor(now / 30_000);
    expect(verifyTotpCode(secret, at(secret, now), step, now)).toBeUndefined();
    expect(verifyTotpCode(secret, at(secret, now - 30_000), step - 1, now)).toBeUndefined();
    expect(verifyTotpCode(secret, at(secret, now + 30_000), step, now)).toBe(step + 1);
  });

  it('takes six digits with spaces, and nothing else', () => {
    expect(normaliseTotpCode(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', '12a456', '', '１２３４５６']) expect(normaliseTotpCode(bad)).toBeUndefined();
    expect(verifyTotpCode(secret, 'abcdef', null, now)).toBeUndefined();
  });
});

describe('recovery codes', () => {
  it('are ten different xxxx-xxxx-xxxx codes without look-alike characters', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
  });

  it('are compared without dashes, spaces or case; anything else is no recovery code', () => {
    expect(normaliseRecoveryCode('ABCD-EFGH-JKMN')).toBe('abcdefghjkmn');
    expect(normaliseRecoveryCode(' abcd efgh jkmn ')).toBe('abcdefghjkmn');
    for (const bad of ['abcd-efgh-jkm', 'abcd-efgh-jkmn-p', 'abcd-efgh-jkm0', 'abcd-efgh-jkml', '']) {
      expect(normaliseRecoveryCode(bad)).toBeUndefined();
    }
  });

  it('are stored as a keyed hash: another key gives another tag', () => {
    const code = normaliseRecoveryCode(generateRecoveryCodes(1)[0]!)!;
    const key = randomBytes(32);
    expect(recoveryCodeTag(key, code)).toEqual(recoveryCodeTag(key, code));
    expect(recoveryCodeTag(key, code)).toHaveLength(32);
    expect(recoveryCodeTag(randomBytes(32), code)).not.toEqual(recoveryCodeTag(key, code));
  });
});
