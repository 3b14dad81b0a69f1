import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../../common/logger.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../../common/request-id.js';

/**
 * What a request was for, as a metrics label and in access logs: a fixed
 * set, never the URL, so the number of time series stays bounded whatever
 * clients send. `other` is a path nobody serves (404).
 */
export const ROUTES = ['graphql', 'auth_basic', 'export', 'scim', 'healthz', 'readyz', 'metrics', 'console', 'other'] as const;
export type Route = (typeof ROUTES)[number];

/** How a request ended: the class of its status code, or `aborted` when the client went away before the answer was sent. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'aborted'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

const ROUTE_INDEX = Object.fromEntries(ROUTES.map((route, i) => [route, i])) as Record<Route, number>;
const ABORTED = STATUS_CLASSES.length - 1;

/** Where reverse proxies ask "is this sign-in name + app password good?" (the forward-auth handler in app-passwords). */
export const FORWARD_AUTH_PATH = '/auth/basic';

/**
 * The API's paths, exactly as written here: routing is case-sensitive and
 * strict, so any other spelling of them (case, doubled slashes,
 * percent-encoding, a trailing slash, dot segments) is not found.
 */
const API_ROUTES: ReadonlyMap<string, Route> = new Map([
  ['/graphql', 'graphql'],
  [FORWARD_AUTH_PATH, 'auth_basic'],
  ['/export/audit.csv', 'export'],
  ['/export/sign-ins.csv', 'export'],
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
]);
/** Where identity providers provision users (the SCIM module): every path under it is the SCIM service's. */
export const SCIM_ROOT = '/scim/v2';
/** The first segments of the API's paths: the console answers under none of them, in any case. */
const API_ROOTS: ReadonlySet<string> = new Set([...API_ROUTES.keys(), SCIM_ROOT].map((path) => path.split('/')[1]!));
/** Segments of letters, digits and `_ ~ - .`, none starting with a dot, and an optional trailing slash: nothing encoded, doubled or dotted. */
const PLAIN_PATH = /^\/(?:[\w~-][\w.~-]*(?:\/[\w~-][\w.~-]*)*\/?)?$/;

/**
 * Whether the console may answer at `path` (its files, or its page for the
 * client-side router): a plain path outside the API's. No dotfile, encoded
 * character or dot segment ever reaches the file server.
 */
export function isConsolePath(path: string): boolean {
  return PLAIN_PATH.test(path) && !API_ROOTS.has(path.split('/', 2)[1]!.toLowerCase());
}

/** The route of a path (no query string); `other` is a path nobody serves, e.g. any variant of an API path. */
export function routeOf(path: string): Route {
  const route = API_ROUTES.get(path);
  if (route) return route;
  if (path === SCIM_ROOT || path.startsWith(`${SCIM_ROOT}/`)) return 'scim';
  return isConsolePath(path) ? 'console' : 'other';
}

/**
 * Requests per route and status class, as plain numbers: the hot path adds
 * one to an array slot and allocates nothing; /metrics reads them at scrape
 * time.
 */
export class HttpRequestCounts {
  private readonly counts = new Float64Array(ROUTES.length * STATUS_CLASSES.length);

  /** `status` undefined: the client went away before the answer was sent. */
  add(route: Route, status: number | undefined): void {
    const statusClass = status === undefined ? ABORTED : Math.min(Math.max(Math.floor(status / 100) - 2, 0), ABORTED - 1);
    this.counts[ROUTE_INDEX[route] * STATUS_CLASSES.length + statusClass]!++;
  }

  /** Every (route, status class) pair with its count, zeros included. */
  *entries(): Generator<[Route, StatusClass, number]> {
    for (let r = 0; r < ROUTES.length; r++) {
      for (let s = 0; s < STATUS_CLASSES.length; s++) yield [ROUTES[r]!, STATUS_CLASSES[s]!, this.counts[r * STATUS_CLASSES.length + s]!];
    }
  }
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
const INFO_ROUTES: ReadonlySet<Route> = new Set(['graphql', 'export', 'scim']);

/**
 * The first middleware: gives the request its id (echoed in `X-Request-Id`)
 * and a logger carrying it, and when the response is done counts it and
 * writes an access line. The line has no headers, no query string and no
 * body (GraphQL variables may hold passwords); only the operation name.
 */
export function observeRequests(logger: Logger, counts: HttpRequestCounts): RequestHandler {
  // One function for all requests, called with the response as `this`: nothing is allocated per request for it.
  function done(this: ServerResponse): void {
    const res = this as Response;
    const { log, route, path, startedAt } = requestLocals(res);
    const status = res.writableFinished ? res.statusCode : undefined;
    counts.add(route, status);
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
    locals.route = routeOf(locals.path);
    locals.startedAt = performance.now();
    res.once('close', done);
    next();
  };
}
