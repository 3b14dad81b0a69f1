import argon2 from 'argon2';

/**
 * argon2id at OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1),
 * stated explicitly rather than trusting the library default (64 MiB, t = 3,
 * p = 4, about 5× slower here). A verify costs about 26 ms on one core.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashSecret(secret: string): Promise<string> {
  return argon2.hash(secret, ARGON2_OPTIONS);
}

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false; // a malformed hash never verifies
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, for callers that have nothing
 * to verify against (unknown sign-in name), so timing reveals nothing.
 */
export async function verifyAgainstNothing(secret: string): Promise<false> {
  dummyHash ??= hashSecret('no such account: this hash only burns time');
  await verifySecret(await dummyHash, secret);
  return false;
}
