/**
 * Every `extensions.code` the API returns. Server and console share this list:
 * the server throws only these codes and masks everything else as
 * INTERNAL_SERVER_ERROR; the console translates them, never the message text.
 */
export const ErrorCode = {
  /** Not signed in, the session has expired, or the sign-in name or password is wrong. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Signed in, but not allowed to do this (wrong role, or signed in with an app password). */
  FORBIDDEN: 'FORBIDDEN',
  /** The input is malformed, out of range or of the wrong type; nothing was changed. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** No such object for this caller; it may exist for someone else, which is never revealed. */
  NOT_FOUND: 'NOT_FOUND',
  /** The tenant has switched app passwords off. */
  APP_PASSWORDS_DISABLED: 'APP_PASSWORDS_DISABLED',
  /** The user has as many app passwords as the tenant allows; delete one first. */
  APP_PASSWORD_LIMIT_REACHED: 'APP_PASSWORD_LIMIT_REACHED',
  /** The app password has expired: it can no longer be rotated (or used); create a new one. */
  APP_PASSWORD_EXPIRED: 'APP_PASSWORD_EXPIRED',
  /** The signed-in user must enter their password again first (the last sign-in is over 10 minutes old); then retry. */
  REAUTHENTICATION_REQUIRED: 'REAUTHENTICATION_REQUIRED',
  /** The tenant lets only users with two-step verification create app passwords: set up an authenticator app first. */
  TWO_STEP_REQUIRED: 'TWO_STEP_REQUIRED',
  /** Two-step verification cannot be removed while the user has app passwords that need it (`extensions.appPasswords`). */
  TWO_STEP_NEEDED_BY_APP_PASSWORDS: 'TWO_STEP_NEEDED_BY_APP_PASSWORDS',
  /** Another user already has this sign-in name (or external id, `extensions.field`); nothing was changed. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The change would leave the tenant without an active admin (demoting, disabling or deleting the last one). */
  LAST_ADMIN: 'LAST_ADMIN',
  /** The signed-in user was given a one-time password by an admin and must choose their own (changePassword) before anything else. */
  PASSWORD_CHANGE_REQUIRED: 'PASSWORD_CHANGE_REQUIRED',
  /** Too many failed sign-ins from here or for this name; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The server is too busy verifying passwords, or its database is unreachable; try again shortly. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /**
   * Automatic persisted queries: the server does not know the query behind `extensions.persistedQuery.sha256Hash`
   * (never seen, or evicted); send it again with the full query. Apollo Client's PersistedQueryLink does this by itself.
   */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** Something failed on the server; details are in the server log, never in the response. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorCodes: readonly ErrorCode[] = Object.values(ErrorCode);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
