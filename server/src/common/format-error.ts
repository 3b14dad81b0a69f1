import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { ErrorCode } from '@app-passwords/schema';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { AppError, serviceUnavailable } from './errors.js';

/** Errors raised by GraphQL itself about the request, whose messages describe the query, not the server. */
const requestErrorCodes: ReadonlySet<string> = new Set([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.BAD_REQUEST,
]);

/**
 * Automatic persisted queries: a hash the server does not know (yet). The
 * client must see this code and Apollo's fixed message, both of which Apollo
 * Client's PersistedQueryLink looks for before it sends the full query; not a
 * fault, so not logged.
 */
const PERSISTED_QUERY_NOT_FOUND = { message: 'PersistedQueryNotFound', extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND } };

/**
 * Whether `formatError` masks this error as INTERNAL_SERVER_ERROR: anything
 * but our own errors, input validation, malformed requests and unknown
 * persisted queries. These are the ones worth a log line; the request's own
 * logger writes it where it can (see app.ts), so the line carries the request id.
 */
export function isUnexpectedError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AppError || original instanceof ArgumentValidationError) return false;
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return !(typeof code === 'string' && (requestErrorCodes.has(code) || code === ErrorCode.PERSISTED_QUERY_NOT_FOUND));
}

/**
 * The one place errors are shaped for clients. Our own errors pass through
 * with their code; malformed requests become BAD_USER_INPUT; an unknown
 * persisted query keeps Apollo's code and message; everything else is
 * masked, so no stack trace, SQL or internal message leaves, and handed to
 * `logError`: as SERVICE_UNAVAILABLE when the database is away (try again),
 * else as INTERNAL_SERVER_ERROR.
 */
export function createFormatError(logError: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof AppError) {
      const { http: _http, ...extensions } = original.extensions;
      return { ...base, message: original.message, extensions };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors.map((v) => ({
        field: v.property,
        problems: Object.values(v.constraints ?? {}),
      }));
      return { ...base, message: 'The input is not valid.', extensions: { code: ErrorCode.BAD_USER_INPUT, fields } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && requestErrorCodes.has(code)) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    if (code === ErrorCode.PERSISTED_QUERY_NOT_FOUND) return PERSISTED_QUERY_NOT_FOUND;
    logError(original);
    if (isDatabaseUnavailable(original)) {
      const { message, extensions } = serviceUnavailable('database-away');
      const { http: _http, ...rest } = extensions;
      return { ...base, message, extensions: rest };
    }
    return { ...base, message: 'Something went wrong on the server.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
