import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode } from '@app-passwords/schema';
import { ApiScope, type RequestInfo, type TokenActor } from '../../common/context.js';
import { isDatabaseUnavailable } from '../../common/database-unavailable.js';
import { AppError, DATABASE_RETRY_AFTER_SECONDS } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ApiTokenService } from '../api-tokens/api-token.service.js';
import { requestLocals, SCIM_ROOT } from '../operations/http-requests.js';
import { listOf, LIST_RESPONSE_SCHEMA, MAX_PAGE_SIZE, serviceProviderConfig, userResourceType, userSchema } from './scim-discovery.js';
import { parseFilter, USER_SCHEMA, userQuery, type UserCondition } from './scim-filter.js';
import { fieldsFromResource, userResource } from './scim-user.js';
import type { ScimUserService } from './scim-users.service.js';
import {
  ScimError,
  scimForbidden,
  scimInvalidFilter,
  scimInvalidSyntax,
  scimInvalidValue,
  scimMethodNotAllowed,
  scimNotFound,
  scimNotImplemented,
  scimTooLarge,
  scimUnauthorized,
  scimUnavailable,
  scimUniqueness,
} from './scim.errors.js';

/** Where the SCIM service answers; the SCIM base URL an identity provider is given ends in it. */
export const SCIM_PATH = SCIM_ROOT;
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
/** Room for a user with every attribute a provider sends, and then some; larger bodies get 413. */
const BODY_LIMIT = '64kb';

interface ScimLocals {
  actor: TokenActor;
  request: RequestInfo;
  baseUrl: string;
}
const scimLocals = (res: Response) => res.locals as unknown as ScimLocals;

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** A 1-based index or a count from the query string: absent gives `fallback`; anything but a whole number is refused. */
function integerParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value.trim())) throw scimInvalidValue(`${name} is a whole number.`);
  return Number(value.trim());
}

function listConditions(filter: unknown): UserCondition[] {
  if (filter === undefined) return [];
  if (typeof filter !== 'string') throw scimInvalidFilter('Give one filter.');
  if (filter.trim() === '') return [];
  return userQuery(parseFilter(filter));
}

/** What the users module's errors mean in SCIM: a taken name is `uniqueness`, bad input `invalidValue`. */
function scimErrorOf(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error instanceof AppError) {
    switch (error.code) {
      case ErrorCode.ALREADY_EXISTS:
        return scimUniqueness(error.message);
      case ErrorCode.NOT_FOUND:
        return scimNotFound();
      case ErrorCode.BAD_USER_INPUT:
        return scimInvalidValue(error.message);
      case ErrorCode.LAST_ADMIN:
        return new ScimError(409, error.message);
      case ErrorCode.FORBIDDEN:
        return scimForbidden(error.message);
      case ErrorCode.SERVICE_UNAVAILABLE:
        return scimUnavailable(DATABASE_RETRY_AFTER_SECONDS);
      default:
        return undefined;
    }
  }
  if (isDatabaseUnavailable(error)) return scimUnavailable(DATABASE_RETRY_AFTER_SECONDS);
  // express.json(): a body too large, not JSON, or in a charset other than UTF-8.
  const status = (error as { status?: unknown; type?: unknown })?.status;
  if (status === 413) return scimTooLarge(`A request body is at most ${BODY_LIMIT}.`);
  if (typeof status === 'number' && status >= 400 && status < 500) return scimInvalidSyntax('The body is not valid JSON.');
  return undefined;
}

/**
 * The SCIM 2.0 service (RFC 7644) for identity providers such as Microsoft
 * Entra ID and Okta: `/Users` and the discovery endpoints, with a tenant API
 * token that has the SCIM scope (and only that). Every answer, errors
 * included, is `application/scim+json` and never cached.
 */
export function createScimRouter(deps: {
  apiTokens: ApiTokenService;
  users: ScimUserService;
  requestInfo: (req: Request) => RequestInfo;
  /** PUBLIC_URL (or where this server listens when unset): `meta.location` and `Location` start with it, never with a Host header. */
  publicUrl: () => string;
  logger: Logger;
}): express.Router {
  const router = express.Router({ caseSensitive: true, strict: true });

  const authenticate: RequestHandler = async (req, res, next) => {
    try {
      const authorization = req.headers.authorization;
      if (!authorization || !/^bearer\s/i.test(authorization)) throw scimUnauthorized();
      const actor = await deps.apiTokens.authenticate(authorization.replace(/^bearer\s+/i, '').trim());
      if (!actor) throw scimUnauthorized('The token is unknown, revoked or expired.');
      if (!actor.scopes.includes(ApiScope.SCIM)) throw scimForbidden('This API token does not have the SCIM scope.');
      scimLocals(res).actor = actor;
      scimLocals(res).request = deps.requestInfo(req);
      scimLocals(res).baseUrl = `${deps.publicUrl()}${SCIM_PATH}`;
      next();
    } catch (error) {
      next(error);
    }
  };
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(authenticate);
  router.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/scim+json'], strict: false }));

  /** An async handler whose errors reach the error handler below. */
  const handle =
    (work: (req: Request, res: Response, locals: ScimLocals) => Promise<void> | void): RequestHandler =>
    async (req, res, next) => {
      try {
        await work(req, res, scimLocals(res));
      } catch (error) {
        next(error);
      }
    };
  const user = (res: Response, status: number, row: Parameters<typeof userResource>[0], baseUrl: string) => {
    const resource = userResource(row, baseUrl);
    res.setHeader('Location', (resource.meta as { location: string }).location);
    send(res, status, resource);
  };
  const notAllowed =
    (allow: string): RequestHandler =>
    (_req, _res, next) =>
      next(scimMethodNotAllowed(`Only ${allow} here.`, allow));

  router.get(
    '/Users',
    handle(async (req, res, { actor, baseUrl }) => {
      const conditions = listConditions(req.query.filter);
      const startIndex = Math.max(1, integerParam(req.query.startIndex, 'startIndex', 1));
      const count = Math.min(MAX_PAGE_SIZE, Math.max(0, integerParam(req.query.count, 'count', MAX_PAGE_SIZE)));
      const { total, rows } = await deps.users.list(actor, conditions, startIndex, count);
      send(res, 200, {
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: total,
        startIndex,
        itemsPerPage: rows.length,
        Resources: rows.map((row) => userResource(row, baseUrl)),
      });
    }),
  );
  router.post(
    '/Users',
    handle(async (req, res, { actor, request, baseUrl }) => {
      user(res, 201, await deps.users.create(actor, fieldsFromResource(req.body), request), baseUrl);
    }),
  );
  router.all('/Users', notAllowed('GET, POST'));
  router.get(
    '/Users/:id',
    handle(async (req, res, { actor, baseUrl }) => user(res, 200, await deps.users.get(actor, String(req.params.id)), baseUrl)),
  );
  router.put(
    '/Users/:id',
    handle(async (req, res, { actor, request, baseUrl }) => {
      const fields = fieldsFromResource(req.body);
      user(res, 200, await deps.users.replace(actor, String(req.params.id), fields, request), baseUrl);
    }),
  );
  router.patch(
    '/Users/:id',
    handle(async (req, res, { actor, request, baseUrl }) => {
      user(res, 200, await deps.users.patch(actor, String(req.params.id), req.body, request), baseUrl);
    }),
  );
  router.delete(
    '/Users/:id',
    handle(async (req, res, { actor, request }) => {
      await deps.users.delete(actor, String(req.params.id), request);
      res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
      res.status(204).end();
    }),
  );
  router.all('/Users/:id', notAllowed('GET, PUT, PATCH, DELETE'));

  router.get(
    '/ServiceProviderConfig',
    handle((_req, res, { baseUrl }) => send(res, 200, serviceProviderConfig(baseUrl))),
  );
  router.get(
    '/ResourceTypes',
    handle((_req, res, { baseUrl }) => send(res, 200, listOf([userResourceType(baseUrl)]))),
  );
  router.get(
    '/ResourceTypes/:id',
    handle((req, res, { baseUrl }) => {
      if (req.params.id !== 'User') throw scimNotFound('No such resource type; this server has User only.');
      send(res, 200, userResourceType(baseUrl));
    }),
  );
  router.get(
    '/Schemas',
    handle((_req, res, { baseUrl }) => send(res, 200, listOf([userSchema(baseUrl)]))),
  );
  router.get(
    '/Schemas/:id',
    handle((req, res, { baseUrl }) => {
      if (req.params.id !== USER_SCHEMA) throw scimNotFound('No such schema; this server has the core User schema only.');
      send(res, 200, userSchema(baseUrl));
    }),
  );
  router.all(['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id'], notAllowed('GET'));

  // RFC 7644 §3.12: 501 for what this service provider does not do (ServiceProviderConfig and ResourceTypes say so too).
  const unsupported =
    (what: string): RequestHandler =>
    (_req, _res, next) =>
      next(scimNotImplemented(what));
  router.all(['/Groups', '/Groups/*rest'], unsupported('Groups are not supported: provision users only (turn group provisioning off).'));
  router.all(['/Bulk', '/Me', '/.search', '/Users/.search'], unsupported('This server has no /Bulk, /Me or POST .search.'));

  router.use((_req, _res, next) => next(scimNotFound('No such SCIM endpoint.')));

  router.use(((error, _req, res, _next) => {
    const scimError = scimErrorOf(error);
    if (!scimError) {
      (requestLocals(res).log ?? deps.logger).error({ err: error }, 'Unexpected error in a SCIM request');
      send(res, 500, new ScimError(500, 'Something went wrong on the server.').body());
      return;
    }
    for (const [name, value] of Object.entries(scimError.headers)) res.setHeader(name, value);
    send(res, scimError.status, scimError.body());
  }) satisfies ErrorRequestHandler);

  return router;
}
