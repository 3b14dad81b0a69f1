import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../../common/logger.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../../common/request-id.js';

/**
 * What a request was for, in access logs: a fixed set, never the URL.
 * `other` is an API path we do not serve (404).
 */
export const ROUTES = ['graphql', 'auth_basic', 'export', 'healthz', 'readyz', 'metrics', 'console', 'other'] as const;
export type Route = (typeof ROUTES)[number];

const EXACT_ROUTES: Record<string, Route> = { '/graphql': 'graphql', '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics' };

/** The route of a path (no query string); `apiPrefixes` are the paths the console never serves. */
export function routeOf(path: string, apiPrefixes: readonly string[]): Route {
  const exact = EXACT_ROUTES[path];
  if (exact) return exact;
  if (path.startsWith('/export/')) return 'export';
  return apiPrefixes.some((p) => path === p || path.startsWith(`${p}/`)) ? 'other' : 'console';
}

/** Set on `res.locals` for every request express handles. */
export interface RequestLocals {
  requestId: string;
  /** The logger for this request: every line carries `reqId`. */
  log: Logger;
  route: Route;
  /** Without the query string, as it arrived (routers rewrite `req.url` on the way). */
  path: string;
  startedAt: number;
}

export const requestLocals = (res: Response): RequestLocals => res.locals as RequestLocals;

/** Access logs at info for the API people call; health checks, scrapes and console assets only at debug. */
const INFO_ROUTES: ReadonlySet<Route> = new Set(['graphql', 'export']);

/**
 * The first middleware: gives the request its id (echoed in `X-Request-Id`)
 * and a logger carrying it, and when the response is done writes an access
 * line. The line has no headers, no query string and no
 * body (GraphQL variables may hold passwords); only the operation name.
 */
export function observeRequests(logger: Logger, apiPrefixes: readonly string[]): RequestHandler {
  // One function for all requests, called with the response as `this`: nothing is allocated per request for it.
  function done(this: ServerResponse): void {
    const res = this as Response;
    const { log, route, path, startedAt } = requestLocals(res);
    const status = res.writableFinished ? res.statusCode : undefined;
    const level = INFO_ROUTES.has(route) ? 'info' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    const operation = (res.req.body as { operationName?: unknown } | undefined)?.operationName;
    log[level](
      {
        route,
        method: res.req.method,
        path,
        ...(typeof operation === 'string' ? { operation: operation.slice(0, 100) } : {}),
        status: status ?? 'aborted',
        ms: Math.round((performance.now() - startedAt) * 10) / 10,
      },
      status === undefined ? 'request aborted' : 'request completed',
    );
  }

  return (req, res, next) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const locals = requestLocals(res);
    locals.requestId = requestId;
    locals.log = logger.child({ reqId: requestId });
    locals.path = req.path;
    locals.route = routeOf(locals.path, apiPrefixes);
    locals.startedAt = performance.now();
    res.once('close', done);
    next();
  };
}
