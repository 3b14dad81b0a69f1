import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const serverKey = randomBytes(32);

  it('gives back what it sealed, and the sealed bytes do not contain it', () => {
    const box = new SecretBox(serverKey, 'totp seed');
    const sealed = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(sealed.toString('latin1')).not.toContain('JBSWY3DP');
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(box.seal('same')).not.toEqual(box.seal('same'));
  });

  it('refuses to open under another server key or purpose, or after tampering', () => {
    const sealed = new SecretBox(serverKey, 'totp seed').seal('secret');
    expect(() => new SecretBox(randomBytes(32), 'totp seed').open(sealed)).toThrow();
    expect(() => new SecretBox(serverKey, 'something else').open(sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => new SecretBox(serverKey, 'totp seed').open(tampered)).toThrow();
    expect(() => new SecretBox(serverKey, 'totp seed').open(Buffer.alloc(5))).toThrow();
  });

  it('derives a different key per purpose', () => {
    expect(deriveKey(serverKey, 'a')).not.toEqual(deriveKey(serverKey, 'b'));
    expect(deriveKey(serverKey, 'a')).toEqual(deriveKey(serverKey, 'a'));
    expect(deriveKey(serverKey, 'a')).not.toEqual(serverKey);
  });

  it('seals under the first key and opens under any, saying whether it was the current one', () => {
    const oldKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey, 'totp seed').seal('seed');
    const rotated = new SecretBox([serverKey, oldKey], 'totp seed');
    expect(rotated.openWithKey(sealedOld)).toEqual({ plain: 'seed', current: false });
    expect(rotated.openWithKey(rotated.seal('seed'))).toEqual({ plain: 'seed', current: true });
    expect(() => new SecretBox(oldKey, 'totp seed').open(rotated.seal('seed'))).toThrow();
  });
});
