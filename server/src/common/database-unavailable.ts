import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { ErrorCode } from '@app-passwords/schema';
import { DATABASE_RETRY_AFTER_SECONDS, serviceUnavailable } from './errors.js';

/** Node's socket errors: PostgreSQL cannot be reached, or dropped the connection. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * PostgreSQL's SQLSTATEs for "not now": class 08 (connection exception),
 * 57P01–57P03 (shutting down, crashed, starting up), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** 55000 is a broad class; at connection time it means the database takes no connections (ALLOW_CONNECTIONS false). */
const NOT_ACCEPTING_CONNECTIONS = /is not currently accepting connections/;
/** node-postgres reports a lost or never-made connection with these messages and no code. */
const LOST_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

/**
 * Whether `error` means the database is unreachable right now, as opposed to
 * a bug or a bad query: then a request fails closed with 503 and the client
 * tries again later. Looks through TypeORM's and GraphQL's wrappers.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (code === '55000' && typeof message === 'string' && NOT_ACCEPTING_CONNECTIONS.test(message)) return true;
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
    const wrapper = current as { driverError?: unknown; originalError?: unknown; cause?: unknown };
    current = wrapper.driverError ?? wrapper.originalError ?? wrapper.cause;
  }
  return false;
}

/** Rethrows `error`, as SERVICE_UNAVAILABLE when it means the database is away. */
export function failClosed(error: unknown): never {
  throw isDatabaseUnavailable(error) ? serviceUnavailable('database-away') : error;
}

/** The Retry-After of a 503: the longest wait any of its SERVICE_UNAVAILABLE errors asks for (busy: 1 s, database away: 5 s). */
export function retryAfterOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): number | undefined {
  const waits = (errors ?? [])
    .filter((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)
    .map((e) => (typeof e.extensions?.retryAfterSeconds === 'number' ? e.extensions.retryAfterSeconds : DATABASE_RETRY_AFTER_SECONDS));
  return waits.length === 0 ? undefined : Math.max(...waits);
}

const answer503: GraphQLRequestListener<object> = {
  async willSendResponse({ response }) {
    if (response.body.kind !== 'single') return;
    const retryAfter = retryAfterOf(response.body.singleResult.errors);
    if (retryAfter === undefined) return;
    response.http.status = 503;
    response.http.headers.set('retry-after', String(retryAfter));
  },
};

/**
 * GraphQL answers HTTP 503 with Retry-After when an operation failed because
 * the database is away (formatError gives those SERVICE_UNAVAILABLE) or the
 * server is too busy checking passwords, so load balancers and clients see it
 * without reading the body; the header says the wait the error's body says.
 */
export const serviceUnavailableStatus: ApolloServerPlugin<object> = {
  requestDidStart: async () => answer503,
};
