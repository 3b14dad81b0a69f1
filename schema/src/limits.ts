/**
 * The limits of the API's inputs, shared by the server (its validation
 * decorators and rules) and the console (its form checks and input
 * attributes), so a limit is written once.
 */

/** The most app passwords one user may hold, whatever a tenant sets (the reference product's limit); a tenant's limit is 1 to this. */
export const MAX_APP_PASSWORDS_PER_USER = 40;
/** An app password's name, trimmed: 1 to this many characters. */
export const APP_PASSWORD_NAME_MAX_LENGTH = 64;
/** A tenant's maximum lifetime for new app passwords: 1 to this many days (or none). */
export const MAX_APP_PASSWORD_LIFETIME_DAYS = 3650;
/** How long a tenant keeps audit events: 1 to this many days. */
export const MAX_AUDIT_RETENTION_DAYS = 3650;

/** An API token's name: 1 to this many characters. */
export const API_TOKEN_NAME_MAX_LENGTH = 64;
/** An API token's lifetime: 1 to this many days. */
export const API_TOKEN_MAX_DAYS = 365;
/** An API token's lifetime when none is given. */
export const API_TOKEN_DEFAULT_DAYS = 90;

/** The reason given for revoking app passwords in bulk: 1 to this many characters. */
export const BULK_REVOKE_REASON_MAX_LENGTH = 500;

/** A primary (console) password: this many characters at least … */
export const MIN_PASSWORD_LENGTH = 12;
/** … and at most this many. */
export const MAX_PASSWORD_LENGTH = 256;

/** The most networks (CIDR) one app password may be limited to. */
export const MAX_APP_PASSWORD_NETWORKS = 20;
/** The most services a tenant may have. */
export const MAX_SERVICES_PER_TENANT = 50;
/** A service key: lower-case letters, digits and - _ . , starting with a letter or digit, 1–32 characters. */
export const SERVICE_KEY_PATTERN = '^[a-z0-9][a-z0-9._-]{0,31}$';
/** A service's display name, in each language. */
export const SERVICE_NAME_MAX_LENGTH = 64;

/** Revoking app passwords unused for this many days (tenant policy revokeUnusedAfterDays): at least … */
export const MIN_REVOKE_UNUSED_AFTER_DAYS = 30;
/** … and at most this many. */
export const MAX_REVOKE_UNUSED_AFTER_DAYS = 730;
/** Owners are told this many days before an unused app password is revoked. */
export const UNUSED_NOTICE_DAYS = 7;
/** A webhook endpoint's URL, in characters. */
export const WEBHOOK_URL_MAX_LENGTH = 2000;
/** What a webhook endpoint is for, in characters (may be empty). */
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 200;
/** Webhook endpoints per tenant. */
export const WEBHOOK_ENDPOINTS_MAX = 20;
