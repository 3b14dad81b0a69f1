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
 * Seals under the first server key; opens under any (key rotation).
 */
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(serverKeys: Buffer | readonly Buffer[], purpose: string) {
    this.keys = (Buffer.isBuffer(serverKeys) ? [serverKeys] : serverKeys).map((key) => deriveKey(key, purpose));
  }

  seal(plain: string): Buffer {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
  }

  /** Throws when the box was sealed under none of the keys, or tampered with. */
  open(sealed: Buffer): string {
    return this.openWithKey(sealed).plain;
  }

  /** Also says whether it was sealed under the current key (else it should be sealed again). */
  openWithKey(sealed: Buffer): { plain: string; current: boolean } {
    if (sealed.length < 1 + IV_LENGTH + TAG_LENGTH || sealed[0] !== VERSION) throw new Error('Not a sealed secret of a known version.');
    const iv = sealed.subarray(1, 1 + IV_LENGTH);
    const tag = sealed.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
    const body = sealed.subarray(1 + IV_LENGTH + TAG_LENGTH);
    for (const [i, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return { plain: Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'), current: i === 0 };
      } catch {
        // not this key: try the next
      }
    }
    throw new Error('The secret was sealed under none of the server keys, or was tampered with.');
  }
}
