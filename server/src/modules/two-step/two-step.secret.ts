import { createHmac, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';

/** What authenticator apps show next to the code. */
export const TOTP_ISSUER = 'App Passwords';
const PERIOD_SECONDS = 30;

/** A new TOTP seed: 20 random bytes (RFC 4226's recommended length), base32 as apps expect. */
export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, signInName: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: signInName, secret });
}

/** Six digits, spaces allowed (`123 456`); anything else is not a TOTP code. */
export function normaliseTotpCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/**
 * Checks a code against the seed, accepting the time step before and after
 * the current one (clock drift, RFC 6238 §5.2). A code whose step is not after
 * `lastUsedTimeStep` is refused, so each code works once. Returns the step it
 * matched, to be remembered, or undefined.
 */
export function verifyTotpCode(
  secret: string,
  code: string,
  lastUsedTimeStep: number | null,
  now: number = Date.now(),
): number | undefined {
  const token = normaliseTotpCode(code);
  if (!token) return undefined;
  const result = verifySync({
    secret,
    token,
    epoch: Math.floor(now / 1000),
    epochTolerance: PERIOD_SECONDS,
    ...(lastUsedTimeStep !== null ? { afterTimeStep: lastUsedTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_CODE_LENGTH = 12;
export const RECOVERY_CODE_COUNT = 10;

/** Ten single-use recovery codes, `xxxx-xxxx-xxxx`: 12 of 31 symbols ≈ 59 bits each. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    return code.replace(/(.{4})(?=.)/g, '$1-');
  });
}

/** As typed: dashes, spaces and case ignored. Undefined when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const code = input.replace(/[\s-]+/g, '').toLowerCase();
  return code.length === RECOVERY_CODE_LENGTH && [...code].every((c) => RECOVERY_ALPHABET.includes(c)) ? code : undefined;
}

/** The keyed hash stored for a recovery code: finds it in one lookup; useless without the key. */
export function recoveryCodeTag(key: Buffer, normalisedCode: string): Buffer {
  return createHmac('sha256', key).update(normalisedCode, 'utf8').digest();
}
