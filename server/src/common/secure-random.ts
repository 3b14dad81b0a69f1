import { hash, randomBytes } from 'node:crypto';

/** An opaque token with `bytes` random bytes, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of `value` (UTF-8), in one call: a session cookie is hashed on every console request. */
export function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
