/**
 * SCIM's own error format (RFC 7644 §3.12): the identity provider reads
 * `status` (a string), `scimType` and `detail`, not GraphQL's error codes.
 * Raised only by the SCIM module, through the factories below; the routes
 * turn every other error into one of these or a bare 500 that says nothing.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The `scimType` values RFC 7644 §3.12 defines that this server uses. */
export type ScimType =
  'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The response body. */
  body(): { schemas: string[]; status: string; scimType?: ScimType; detail: string } {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export const scimInvalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const scimInvalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const scimInvalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const scimInvalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const scimNoTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const scimMutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const scimTooMany = (detail: string) => new ScimError(400, detail, 'tooMany');
export const scimUniqueness = (detail = 'A user with that userName already exists.') => new ScimError(409, detail, 'uniqueness');
export const scimNotFound = (detail = 'No such user.') => new ScimError(404, detail);
export const scimUnauthorized = (detail = 'Send a SCIM token as `Authorization: Bearer apt_…`.') =>
  new ScimError(401, detail, undefined, { 'www-authenticate': 'Bearer realm="SCIM"' });
export const scimForbidden = (detail: string) => new ScimError(403, detail);
export const scimNotImplemented = (detail: string) => new ScimError(501, detail);
export const scimMethodNotAllowed = (detail: string, allow: string) => new ScimError(405, detail, undefined, { allow });
export const scimTooLarge = (detail: string) => new ScimError(413, detail);
export const scimUnsupportedMediaType = () =>
  new ScimError(415, 'Send the body as application/scim+json (or application/json).', 'invalidSyntax');
export const scimUnavailable = (retryAfterSeconds: number) =>
  new ScimError(503, 'The service is unavailable for a moment; try again shortly.', undefined, {
    'retry-after': String(retryAfterSeconds),
  });
