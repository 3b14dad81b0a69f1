import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@app-passwords/schema';
import type { Context } from './context.js';
import { AppError } from './errors.js';
import { createFormatError, isUnexpectedError } from './format-error.js';
import type { Logger } from './logger.js';

export interface ErrorLogging {
  /** Logs unexpected errors of resolvers with the request's logger. */
  plugin: ApolloServerPlugin<Context>;
  /** Apollo's formatError: masks what is not a known code, and logs what slipped past the others. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** For the context function: an error while identifying the caller. */
  callerError(log: Logger, error: unknown): void;
}

/**
 * Unexpected errors are logged where the request's logger is at hand, so
 * the line carries the request id: resolver errors by the plugin, errors
 * while identifying the caller by the context function (`callerError`).
 * formatError logs only what slipped past both (without a request id).
 * Each error is logged once.
 */
export function createErrorLogging(logger: Logger): ErrorLogging {
  const logged = new WeakSet<object>();
  const logUnexpected = (log: Logger, error: unknown, message: string) => {
    log.error({ err: error }, message);
    if (typeof error === 'object' && error !== null) logged.add(error);
  };
  const errorListener: GraphQLRequestListener<Context> = {
    didEncounterErrors: async ({ contextValue, errors }) => {
      for (const error of errors) {
        if (isUnexpectedError(error)) logUnexpected(contextValue.log, unwrapResolverError(error), 'Unexpected error in a GraphQL request');
      }
    },
  };
  return {
    plugin: { requestDidStart: async () => errorListener },
    formatError: createFormatError((error) => {
      const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
      if (!(typeof original === 'object' && original !== null && logged.has(original))) {
        logger.error({ err: original }, 'Unexpected error in a GraphQL request');
      }
    }),
    callerError(log, error) {
      if (isUnexpectedError(error)) logUnexpected(log, error, 'Unexpected error while identifying the caller');
      else if (error instanceof AppError && error.code === ErrorCode.SERVICE_UNAVAILABLE) {
        log.warn('The database is unavailable: the caller could not be identified');
      }
    },
  };
}
