import { textProblem } from '../../common/text.js';
import { USER_SCHEMA } from './scim-filter.js';
import { scimInvalidSyntax, scimInvalidValue } from './scim.errors.js';

/**
 * What a SCIM User resource means here: the sign-in name (`userName`), who
 * the person is, the identity provider's id for them and whether they may
 * sign in. Everything else a provider sends (titles, phone numbers,
 * extension schemas, passwords) is ignored, not refused.
 */
export interface ScimUserFields {
  userName: string;
  /** null: derived from the name parts, else from the sign-in name (the users table needs one). */
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  externalId: string | null;
  /** `emails[type eq "work"].value`; null: the sign-in name is the work address. */
  workEmail: string | null;
  active: boolean;
}

/** A user as the SCIM module reads them. */
export interface ScimUserRow {
  id: string;
  email: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  externalId: string | null;
  workEmail: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_NAME_LENGTH = 100;
export const MAX_EXTERNAL_ID_LENGTH = 255;
export const MAX_EMAIL_LENGTH = 254;

/** The value of `active`: a boolean, or Entra ID's "True"/"False" strings in any case. */
export function activeValue(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimInvalidValue('active is true or false.');
}

/** A one-line text of at most `max` characters, or null for null, "" or absent when `nullable`. */
export function textValue(value: unknown, attribute: string, max: number, nullable = true): string | null {
  if ((value === null || value === undefined) && nullable) return null;
  if (typeof value !== 'string') throw scimInvalidValue(`${attribute} is a string.`);
  const text = value.normalize('NFC').trim();
  if (text === '' && nullable) return null;
  if (text === '' || text.length > max) throw scimInvalidValue(`${attribute} is 1 to ${max} characters.`);
  if (textProblem(text)) throw scimInvalidValue(`${attribute} must be one line of text, without control characters.`);
  return text;
}

/** The sign-in name: an email address, as every user of App Passwords signs in with. */
export function userNameValue(value: unknown): string {
  const text = textValue(value, 'userName', MAX_EMAIL_LENGTH, false)!;
  if (!EMAIL.test(text)) throw scimInvalidValue('userName is the sign-in name, an email address such as adele@contoso.example.');
  return text;
}

export function workEmailValue(value: unknown): string | null {
  const text = textValue(value, 'emails.value', MAX_EMAIL_LENGTH);
  if (text !== null && !EMAIL.test(text)) throw scimInvalidValue('An email value is an email address.');
  return text;
}

/** The work address from an `emails` list: the one typed work, else the primary one, else the first. */
export function workEmailOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length > 20) throw scimInvalidValue('emails has at most 20 entries.');
  const entries = list.map((entry) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw scimInvalidValue('Each of emails is an object with a value.');
    return lowerKeys(entry as Record<string, unknown>);
  });
  const chosen =
    entries.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    entries.find((e) => e.primary === true || (typeof e.primary === 'string' && e.primary.toLowerCase() === 'true')) ??
    entries[0];
  return chosen ? workEmailValue(chosen.value) : null;
}

/** An object's own keys lowercased (SCIM attribute names are case-insensitive); later duplicates win. */
export function lowerKeys(object: Record<string, unknown>): Record<string, unknown> {
  const lowered: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(object)) lowered[key.toLowerCase()] = value;
  return lowered;
}

export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw scimInvalidSyntax(`${what} is a JSON object.`);
  return value as Record<string, unknown>;
}

/** A User resource as POST and PUT send it: `userName` required, everything else optional, unknown attributes ignored. */
export function fieldsFromResource(body: unknown): ScimUserFields {
  const attributes = lowerKeys(asObject(body, 'The body'));
  if (attributes.username === undefined) throw scimInvalidValue('userName is required.');
  const name = attributes.name === undefined || attributes.name === null ? {} : lowerKeys(asObject(attributes.name, 'name'));
  return {
    userName: userNameValue(attributes.username),
    displayName:
      textValue(attributes.displayname, 'displayName', MAX_NAME_LENGTH) ?? textValue(name.formatted, 'name.formatted', MAX_NAME_LENGTH),
    givenName: textValue(name.givenname, 'name.givenName', MAX_NAME_LENGTH),
    familyName: textValue(name.familyname, 'name.familyName', MAX_NAME_LENGTH),
    externalId: textValue(attributes.externalid, 'externalId', MAX_EXTERNAL_ID_LENGTH),
    workEmail: workEmailOf(attributes.emails),
    active: attributes.active === undefined || attributes.active === null ? true : activeValue(attributes.active),
  };
}

/** The display name the users table keeps: the one given, else the name parts, else the sign-in name's local part. */
export function displayNameOf(fields: Pick<ScimUserFields, 'displayName' | 'givenName' | 'familyName' | 'userName'>): string {
  const parts = [fields.givenName, fields.familyName].filter(Boolean).join(' ');
  return (fields.displayName ?? (parts || fields.userName.split('@')[0] || fields.userName)).slice(0, MAX_NAME_LENGTH);
}

export function fieldsOfRow(row: ScimUserRow): ScimUserFields {
  return {
    userName: row.email,
    displayName: row.displayName,
    givenName: row.givenName,
    familyName: row.familyName,
    externalId: row.externalId,
    workEmail: row.workEmail,
    active: row.active,
  };
}

/** The User resource of RFC 7643 §4.1, with the attributes this server keeps. */
export function userResource(row: ScimUserRow, baseUrl: string): Record<string, unknown> {
  const name: Record<string, string> = { formatted: row.displayName };
  if (row.givenName) name.givenName = row.givenName;
  if (row.familyName) name.familyName = row.familyName;
  return {
    schemas: [USER_SCHEMA],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.email,
    name,
    displayName: row.displayName,
    emails: [{ value: row.workEmail ?? row.email, type: 'work', primary: true }],
    active: row.active,
    meta: {
      resourceType: 'User',
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${row.id}`,
    },
  };
}
