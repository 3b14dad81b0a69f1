import { USER_SCHEMA } from './scim-filter.js';
import { MAX_EMAIL_LENGTH } from './scim-user.js';

/**
 * What the provider may ask before provisioning (RFC 7643 §5–§7, RFC 7644
 * §4): the features this server has, its one resource type (User) and the
 * attributes of User it keeps. Groups, bulk, sorting, ETags and password
 * changes are said to be absent rather than half-done.
 */
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** The most users one list page holds; a larger `count` gets this many. */
export const MAX_PAGE_SIZE = 100;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'API token',
        description: 'A tenant API token with the SCIM scope, created by a tenant admin in the console: Authorization: Bearer apt_…',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function userResourceType(baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person who signs in to App Passwords, and whose app passwords stop when they are disabled or deleted.',
    schema: USER_SCHEMA,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
}

interface AttributeOptions {
  required?: boolean;
  caseExact?: boolean;
  multiValued?: boolean;
  uniqueness?: 'none' | 'server' | 'global';
  subAttributes?: object[];
}

const attribute = (name: string, type: 'string' | 'boolean' | 'complex', description: string, options: AttributeOptions = {}) => ({
  name,
  type,
  multiValued: options.multiValued ?? false,
  description,
  required: options.required ?? false,
  caseExact: options.caseExact ?? false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: options.uniqueness ?? 'none',
  ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
});

export function userSchema(baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: USER_SCHEMA,
    name: 'User',
    description: 'The attributes of a user that App Passwords keeps; others are accepted and ignored.',
    attributes: [
      attribute(
        'userName',
        'string',
        `The sign-in name: an email address, at most ${MAX_EMAIL_LENGTH} characters, unique in the installation.`,
        {
          required: true,
          uniqueness: 'server',
        },
      ),
      attribute('name', 'complex', "The person's name.", {
        subAttributes: [
          attribute('formatted', 'string', 'The full name; the display name when none is given.'),
          attribute('givenName', 'string', 'Given name.'),
          attribute('familyName', 'string', 'Family name.'),
        ],
      }),
      attribute('displayName', 'string', 'The name shown in the console; from the name, or the sign-in name, when not given.'),
      attribute('emails', 'complex', 'Only the work address is kept; without one, the sign-in name is the work address.', {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string', 'The address.'),
          attribute('type', 'string', 'Only "work" is kept.'),
          attribute('primary', 'boolean', 'Always true for the work address.'),
        ],
      }),
      attribute('active', 'boolean', 'false disables the user: console sessions end and app passwords stop on the next request.'),
    ],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` },
  };
}

/** A ListResponse of everything in `resources` (the discovery lists are never paged). */
export function listOf(resources: object[]) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
