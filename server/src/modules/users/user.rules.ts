import { randomInt } from 'node:crypto';
import { badInput } from '../../common/errors.js';
import { textProblem } from '../../common/text.js';
import { Role } from './user.entity.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The longest sign-in name (an email address's own limit) and display name. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_DISPLAY_NAME_LENGTH = 100;
/** An identity provider's id for a user (SCIM `externalId`). */
export const MAX_EXTERNAL_ID_LENGTH = 256;

/** Where a user came from: made here, provisioned over SCIM, or created at their first single sign-on. */
export type UserSource = 'local' | 'scim' | 'sso';
export const USER_SOURCES: readonly UserSource[] = ['local', 'scim', 'sso'];

/** The sign-in name as stored: trimmed, as typed otherwise (compared without case everywhere). */
export function normaliseEmail(email: string, field = 'email'): string {
  const trimmed = email.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH || !EMAIL.test(trimmed) || textProblem(trimmed)) {
    throw badInput('Enter a valid email address as the sign-in name.', field);
  }
  return trimmed;
}

/** A display name: NFC, trimmed, 1 to 100 characters without control characters. */
export function normaliseDisplayName(displayName: string, field = 'displayName'): string {
  const name = displayName.normalize('NFC').trim();
  if (name.length < 1 || name.length > MAX_DISPLAY_NAME_LENGTH || textProblem(name)) {
    throw badInput(`A display name is 1 to ${MAX_DISPLAY_NAME_LENGTH} characters, without control characters.`, field);
  }
  return name;
}

/** An external id: kept exactly (identity providers compare it byte for byte), 1 to 256 characters; empty means none. */
export function normaliseExternalId(externalId: string | null | undefined, field = 'externalId'): string | null {
  if (externalId === null || externalId === undefined || externalId === '') return null;
  if (externalId.length > MAX_EXTERNAL_ID_LENGTH || textProblem(externalId)) {
    throw badInput(`An external id is 1 to ${MAX_EXTERNAL_ID_LENGTH} characters, without control characters.`, field);
  }
  return externalId;
}

/**
 * Whether a rename may happen here: a user provisioned over SCIM keeps the
 * names their identity provider gives (a name changed here would differ from
 * the directory, and the provider changes it back at its next update), so only
 * provisioning renames them. Null when it may; else the field and why not.
 */
export function renameProblem(
  source: UserSource,
  byProvisioning: boolean,
  field: 'email' | 'displayName',
): { field: string; problem: string } | null {
  if (source !== 'scim' || byProvisioning) return null;
  return { field, problem: 'This user is managed by your identity provider (SCIM): change their name there, and it follows here.' };
}

export function checkRole(role: unknown, field = 'role'): Role {
  if (role !== Role.USER && role !== Role.TENANT_ADMIN) throw badInput('A role is USER or TENANT_ADMIN.', field);
  return role;
}

export function checkSource(source: unknown, field = 'source'): UserSource {
  if (!USER_SOURCES.includes(source as UserSource)) throw badInput(`A source is one of ${USER_SOURCES.join(', ')}.`, field);
  return source as UserSource;
}

/** Letters and digits nobody confuses when reading them aloud or off a screen (no 0/O, 1/l/I). */
const INITIAL_PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 20 characters of 56: about 116 bits, well past the 12-character minimum. */
export const INITIAL_PASSWORD_LENGTH = 20;

/** A first password an admin hands over once; the user must change it at their first sign-in. From the CSPRNG. */
export function generateInitialPassword(): string {
  let password = '';
  for (let i = 0; i < INITIAL_PASSWORD_LENGTH; i++) password += INITIAL_PASSWORD_ALPHABET[randomInt(INITIAL_PASSWORD_ALPHABET.length)];
  return password;
}
