import { hash, randomBytes } from 'node:crypto';
import type { Candidate } from './app-password-confirmations.js';

/** A remembered success, under the keyed hash of the Authorization header that earned it. */
export interface RememberedSignIn {
  appPasswordId: string;
  /** Which of its secrets (a rotation makes a new one): remembered only while that one still works. */
  secretVersion: number;
  /** The sign-in name as the app sent it (for the sign-in log), and lower-cased (to compare with the user's). */
  signInName: string;
  name: string;
  expiresAt: number;
}

const MAX_ENTRIES = 20_000;

/**
 * The warm path's memory: an app that signed in moments ago with the same
 * Authorization header skips argon2 (for a short TTL; 0: never remembered).
 * Kept under a keyed hash of the header, never the secret itself; the key is
 * per process, so the memory dies with the process, and so may its key.
 * Remembering is not trusting: every warm check still confirms in PostgreSQL.
 */
export class RememberedSignIns {
  private readonly entries = new Map<string, RememberedSignIn>();
  private readonly hashKey = randomBytes(32).toString('hex');

  constructor(private readonly ttlMs: number) {}

  /**
   * SHA-256 over a per-process random key and the Authorization header (which
   * carries the name and the secret): a keyed hash that never leaves this
   * process, so length extension gives nobody anything, at a fifth of an
   * HMAC's cost on the hot path (one-shot hash). The same name and secret
   * sent differently (another case of "Basic") is another entry.
   */
  keyOf(authorization: string): string {
    return hash('sha256', `${this.hashKey}\0${authorization}`, 'base64');
  }

  /** The success remembered under this header's key, while it lasts. */
  recall(key: string): RememberedSignIn | undefined {
    const entry = this.ttlMs > 0 ? this.entries.get(key) : undefined;
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  remember(key: string, c: Candidate, signInName: string, name: string): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const entry = { appPasswordId: c.app_password_id!, secretVersion: c.secret_version!, signInName, name };
    this.entries.set(key, { ...entry, expiresAt: Date.now() + this.ttlMs });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
