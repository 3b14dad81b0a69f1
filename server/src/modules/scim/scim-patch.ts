import { isCoreUserPath, isWorkEmailFilter, parsePath, type AttrPath } from './scim-filter.js';
import {
  activeValue,
  asObject,
  lowerKeys,
  MAX_EXTERNAL_ID_LENGTH,
  MAX_NAME_LENGTH,
  textValue,
  userNameValue,
  workEmailOf,
  workEmailValue,
  type ScimUserFields,
} from './scim-user.js';
import {
  ScimError,
  scimInvalidPath,
  scimInvalidSyntax,
  scimInvalidValue,
  scimMutability,
  scimNoTarget,
  scimTooMany,
} from './scim.errors.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 100;

/**
 * Applies a PatchOp body (RFC 7644 §3.5.2) to a user's fields and returns
 * the result; nothing is written here. `op` in any case (Entra ID sends
 * "Replace" and "Add"), with a `path` or with a value object of attributes
 * (Okta's `{"op":"replace","value":{"active":false}}`). Paths of attributes
 * this server does not keep, and extension schemas, are ignored; a path
 * that does not parse is refused (invalidPath).
 */
export function applyPatch(current: ScimUserFields, body: unknown): ScimUserFields {
  const request = lowerKeys(asObject(body, 'The body'));
  const operations = request.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw scimInvalidSyntax('Operations is a non-empty list of operations.');
  if (operations.length > MAX_PATCH_OPERATIONS) throw scimTooMany(`At most ${MAX_PATCH_OPERATIONS} operations per request.`);
  let fields = { ...current };
  operations.forEach((raw, i) => {
    const operation = lowerKeys(asObject(raw, `Operations[${i}]`));
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw scimInvalidSyntax(`Operations[${i}].op is add, replace or remove.`);
    const path = operation.path;
    if (path !== undefined && path !== null && typeof path !== 'string') throw scimInvalidPath(`Operations[${i}].path is a string.`);
    if (path === undefined || path === null || path.trim() === '') {
      if (op === 'remove') throw scimNoTarget(`Operations[${i}] removes something: name it in path.`);
      const value = operation.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw scimInvalidValue(`Operations[${i}] has no path, so its value is an object of attributes.`);
      }
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        const keyPath = pathOrNothing(key);
        if (keyPath) fields = set(fields, keyPath, inner);
      }
      return;
    }
    const parsed = parsePath(path.trim());
    if (op === 'remove') fields = remove(fields, parsed);
    else if (!('value' in operation)) throw scimInvalidValue(`Operations[${i}] (${op}) needs a value.`);
    else fields = set(fields, parsed, operation.value);
  });
  return fields;
}

/** A key of a value object as a path; a key that is no attribute name is an attribute this server does not keep. */
function pathOrNothing(key: string): AttrPath | undefined {
  try {
    return parsePath(key);
  } catch (error) {
    if (error instanceof ScimError) return undefined;
    throw error;
  }
}

/** Which of the user's fields a path names; undefined for what this server does not keep (ignored). */
type Target = 'userName' | 'displayName' | 'externalId' | 'active' | 'name' | 'givenName' | 'familyName' | 'emails' | 'workEmail';

function targetOf(path: AttrPath): Target | undefined {
  if (!isCoreUserPath(path)) return undefined;
  const attribute = path.attribute.toLowerCase();
  const sub = path.subAttribute?.toLowerCase();
  if (attribute === 'emails') {
    if (path.filter !== undefined && !isWorkEmailFilter(path.filter)) return undefined; // another address than work: not kept
    if (sub === undefined) return 'emails'; // a list, or with the work filter one entry: its work address is kept
    return sub === 'value' ? 'workEmail' : undefined;
  }
  if (path.filter !== undefined) return undefined;
  if (attribute === 'name') {
    if (sub === undefined) return 'name';
    return ({ givenname: 'givenName', familyname: 'familyName', formatted: 'displayName' } as const)[sub];
  }
  if (sub !== undefined) return undefined;
  return ({ username: 'userName', displayname: 'displayName', externalid: 'externalId', active: 'active' } as const)[attribute];
}

function set(fields: ScimUserFields, path: AttrPath, value: unknown): ScimUserFields {
  switch (targetOf(path)) {
    case 'userName':
      return { ...fields, userName: userNameValue(value) };
    case 'displayName':
      return { ...fields, displayName: textValue(value, 'displayName', MAX_NAME_LENGTH) };
    case 'externalId':
      return { ...fields, externalId: textValue(value, 'externalId', MAX_EXTERNAL_ID_LENGTH) };
    case 'active':
      return { ...fields, active: activeValue(value) };
    case 'givenName':
      return { ...fields, givenName: textValue(value, 'name.givenName', MAX_NAME_LENGTH) };
    case 'familyName':
      return { ...fields, familyName: textValue(value, 'name.familyName', MAX_NAME_LENGTH) };
    case 'name': {
      // Sub-attributes not in the value stay as they are (RFC 7644 §3.5.2.3).
      const name = lowerKeys(asObject(value, 'The value of name'));
      let next = fields;
      if ('givenname' in name) next = { ...next, givenName: textValue(name.givenname, 'name.givenName', MAX_NAME_LENGTH) };
      if ('familyname' in name) next = { ...next, familyName: textValue(name.familyname, 'name.familyName', MAX_NAME_LENGTH) };
      if ('formatted' in name) next = { ...next, displayName: textValue(name.formatted, 'name.formatted', MAX_NAME_LENGTH) };
      return next;
    }
    case 'emails':
      return { ...fields, workEmail: workEmailOf(value) };
    case 'workEmail':
      return { ...fields, workEmail: workEmailValue(value) };
    case undefined:
      return fields;
  }
}

function remove(fields: ScimUserFields, path: AttrPath): ScimUserFields {
  switch (targetOf(path)) {
    case 'userName':
      throw scimMutability('userName is required: replace it instead.');
    case 'active':
      throw scimMutability('active cannot be removed: replace it with false to disable the user.');
    case 'displayName':
      return { ...fields, displayName: null };
    case 'externalId':
      return { ...fields, externalId: null };
    case 'givenName':
      return { ...fields, givenName: null };
    case 'familyName':
      return { ...fields, familyName: null };
    case 'name':
      return { ...fields, givenName: null, familyName: null, displayName: null };
    case 'emails':
    case 'workEmail':
      return { ...fields, workEmail: null };
    case undefined:
      return fields;
  }
}
