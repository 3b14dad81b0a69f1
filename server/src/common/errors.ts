import { GraphQLError } from 'graphql';
import { ErrorCode } from '@app-passwords/schema';

/**
 * An error the client may see: a stable code from the shared list and a
 * message written for people. Services throw these; nothing remaps them.
 */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    /** For errors raised before execution (e.g. while authenticating): the HTTP status and headers Apollo answers with. */
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

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const badInput = (message: string, field?: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const unauthenticated = (message = 'Sign in first.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(ErrorCode.FORBIDDEN, message);
export const reauthenticationRequired = () =>
  new AppError(ErrorCode.REAUTHENTICATION_REQUIRED, 'For your security, enter your password again to continue.');
export const twoStepRequired = (message: string) => new AppError(ErrorCode.TWO_STEP_REQUIRED, message);
/** `appPasswords`: how many app passwords depend on the two-step verification that was to go. */
export const twoStepNeededByAppPasswords = (appPasswords: number, message: string) =>
  new AppError(ErrorCode.TWO_STEP_NEEDED_BY_APP_PASSWORDS, message, { appPasswords });

/** Too many failed attempts for this name, device or address (or wrong codes): try again after `retryAfterSeconds`. */
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(ErrorCode.RATE_LIMITED, 'Too many failed attempts. Wait a while, then try again.', { retryAfterSeconds });

/** Too many password checks at once (argon2 slots and queue full, or a wait for a throttle place ran out): HTTP 503, try again. */
export function tooBusy(retryAfterSeconds = 1): AppError {
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'The server is busy verifying passwords; try again shortly.',
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
