import { GraphQLError } from 'graphql';
import { ErrorCode } from '@app-passwords/schema';

/**
 * An error the client may see: a stable code from the shared list and a
 * message written for people. Services throw these; nothing remaps them.
 * Build one only with the factories below (one per code, which fixes its
 * HTTP status and extensions); the lint config refuses `new AppError` elsewhere.
 */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    /** The HTTP status and headers Apollo answers with (see `RaisedWhile`). */
    http?: { status: number; headers?: Record<string, string> },
  ) {
    super(message, {
      extensions: {
        ...extensions,
        code,
        ...(http ? { http: { status: http.status, headers: new Map(Object.entries(http.headers ?? {})) } } : {}),
      },
    });
    this.name = 'AppError';
  }
}

/**
 * Where an error is raised, for the codes whose HTTP status depends on it:
 * - `operation`: by a resolver or service while an operation runs. The
 *   operation fails in a 200 response like any other GraphQL error (its
 *   code is in `errors[].extensions`).
 * - `authentication`: while identifying the caller from the Authorization
 *   header on /graphql, before any operation runs. Apps and scripts that
 *   send Basic credentials or an API token get a plain HTTP answer: 401
 *   for bad credentials, 429 with Retry-After when throttled.
 */
export type RaisedWhile = 'operation' | 'authentication';

/** How long a client should wait before trying again while PostgreSQL is away (also /auth/basic's Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const badInput = (message: string, field?: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
/** HTTP 401 when `raisedWhile` is `authentication` (see `RaisedWhile`). */
export const unauthenticated = (message = 'Sign in first.', raisedWhile: RaisedWhile = 'operation') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message, {}, raisedWhile === 'authentication' ? { status: 401 } : undefined);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(ErrorCode.FORBIDDEN, message);
export const reauthenticationRequired = () =>
  new AppError(ErrorCode.REAUTHENTICATION_REQUIRED, 'For your security, enter your password again to continue.');
export const twoStepRequired = (message: string) => new AppError(ErrorCode.TWO_STEP_REQUIRED, message);
/** `appPasswords`: how many app passwords depend on the two-step verification that was to go. */
export const twoStepNeededByAppPasswords = (appPasswords: number, message: string) =>
  new AppError(ErrorCode.TWO_STEP_NEEDED_BY_APP_PASSWORDS, message, { appPasswords });
/** A unique name taken by another user: `field` says which (`email`, `externalId`). */
export const alreadyExists = (message: string, field: string) => new AppError(ErrorCode.ALREADY_EXISTS, message, { field });
export const lastAdmin = () =>
  new AppError(ErrorCode.LAST_ADMIN, 'This is the last active admin of the organisation; make someone else an admin first.');
export const passwordChangeRequired = () =>
  new AppError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Choose a new password first: the one you were given works only once.');
export const appPasswordsDisabled = () =>
  new AppError(ErrorCode.APP_PASSWORDS_DISABLED, 'Your organisation has switched app passwords off.');
export const appPasswordExpired = () =>
  new AppError(ErrorCode.APP_PASSWORD_EXPIRED, 'This app password has expired, so it cannot be rotated. Create a new one instead.');
/** The user has `count` app passwords, and the tenant allows `limit`. */
export const appPasswordLimitReached = (count: number, limit: number) =>
  new AppError(
    ErrorCode.APP_PASSWORD_LIMIT_REACHED,
    `You already have ${count} app passwords, the most your organisation allows. Delete one you no longer use, then try again.`,
    { limit },
  );

/**
 * Too many failed attempts for this name, device or address (or wrong
 * codes): try again after `retryAfterSeconds` (in the extensions). Raised
 * while identifying a Basic caller on /graphql (`authentication`), the answer
 * is HTTP 429 with a Retry-After header; in an operation (console sign-in
 * steps), it is an ordinary GraphQL error.
 */
export function rateLimited(retryAfterSeconds: number, raisedWhile: RaisedWhile = 'operation'): AppError {
  return raisedWhile === 'authentication'
    ? new AppError(
        ErrorCode.RATE_LIMITED,
        'Too many failed sign-ins; try again later.',
        { retryAfterSeconds },
        { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
      )
    : new AppError(ErrorCode.RATE_LIMITED, 'Too many failed attempts. Wait a while, then try again.', { retryAfterSeconds });
}

/**
 * Not now, try again after `retryAfterSeconds`: HTTP 503 with Retry-After,
 * wherever it is raised. `busy`: too many password checks at once (argon2
 * slots and queue full, or a wait for a throttle place ran out).
 * `database-away`: PostgreSQL cannot be reached, so nothing about why is said.
 */
export function serviceUnavailable(
  why: 'busy' | 'database-away',
  retryAfterSeconds = why === 'busy' ? 1 : DATABASE_RETRY_AFTER_SECONDS,
): AppError {
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    why === 'busy'
      ? 'The server is busy verifying passwords; try again shortly.'
      : 'The service is unavailable for a moment; try again shortly.',
    { retryAfterSeconds },
    { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}

/** PostgreSQL's unique_violation, e.g. two requests racing to take the same name. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError =
    (error as { driverError?: { code?: string; constraint?: string } })?.driverError ?? (error as { code?: string; constraint?: string });
  return driverError?.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}
