import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * A key for one purpose, derived from the server key with HKDF-SHA-256, so the
 * same server key never serves two purposes directly (lookup tags, TOTP
 * secrets, recovery codes each get their own).
 */
export function deriveKey(serverKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), `app-passwords ${purpose}`, 32));
}

/**
 * Encrypts small secrets that the server must read back (a TOTP seed) with
 * AES-256-GCM under a derived key that never enters the database: a copy of
 * the database alone reveals nothing. Sealed form: version, IV, tag, ciphertext.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(serverKey: Buffer, purpose: string) {
    this.key = deriveKey(serverKey, purpose);
  }

  seal(plain: string): Buffer {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
  }

  /** Throws when the box was sealed under another key or tampered with. */
  open(sealed: Buffer): string {
    if (sealed.length < 1 + IV_LENGTH + TAG_LENGTH || sealed[0] !== VERSION) throw new Error('Not a sealed secret of a known version.');
    const iv = sealed.subarray(1, 1 + IV_LENGTH);
    const tag = sealed.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_LENGTH + TAG_LENGTH)), decipher.final()]).toString('utf8');
  }
}
