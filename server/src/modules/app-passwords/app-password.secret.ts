import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { APP_PASSWORD_NAME_MAX_LENGTH } from '@app-passwords/schema';

/** 28 letters of 26: log2(26^28) ≈ 131.6 bits of entropy. */
export const APP_PASSWORD_LENGTH = 28;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A new app password from the CSPRNG: lowercase letters only, so it is easy
 * to type on a printer's keypad or a phone. `randomInt` rejects biased draws,
 * so every letter is equally likely.
 */
export function generateAppPassword(): string {
  let secret = '';
  for (let i = 0; i < APP_PASSWORD_LENGTH; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return secret;
}

/** How people are shown it: groups of four, `abcd efgh …`. */
export function formatAppPassword(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * What an app sends, as compared: whitespace dropped and case folded, so
 * `ABCD efgh …` works. Returns undefined when it cannot be an app password.
 */
export function normaliseAppPassword(input: string): string | undefined {
  const secret = input.replace(/\s+/g, '').toLowerCase();
  return secret.length === APP_PASSWORD_LENGTH && /^[a-z]+$/.test(secret) ? secret : undefined;
}

/**
 * The keyed lookup tag stored beside the hash: HMAC-SHA-256 under a key that
 * never enters the database, so the table alone can't test a guess, while the
 * server finds the one candidate row without trying every hash.
 */
export function appPasswordLookupTag(key: Buffer, normalisedSecret: string): Buffer {
  return createHmac('sha256', key).update(normalisedSecret, 'utf8').digest();
}

export function sameTag(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Validates an app password's name (free text: the app or the device).
 * Trimmed, NFC-normalised, 1–64 characters, no control characters or line
 * separators, well-formed Unicode. Returns the clean name or a reason.
 */
export function parseAppPasswordName(input: string): { name: string } | { problem: string } {
  if (LONE_SURROGATE.test(input)) return { problem: 'The name contains invalid characters.' };
  const name = input.normalize('NFC').trim();
  if (name.length === 0) return { problem: 'Enter a name for the app or device.' };
  if ([...name].length > APP_PASSWORD_NAME_MAX_LENGTH) {
    return { problem: `The name can be at most ${APP_PASSWORD_NAME_MAX_LENGTH} characters.` };
  }
  if (/[\p{Cc}\u2028\u2029]/u.test(name)) return { problem: 'The name cannot contain control characters or line breaks.' };
  return { name };
}
