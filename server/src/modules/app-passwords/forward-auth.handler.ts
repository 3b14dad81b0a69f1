import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SERVICE_KEY_PATTERN } from '@app-passwords/schema';
import type { RequestInfo } from '../../common/context.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../../common/request-id.js';
import type { HttpRequestCounts } from '../operations/http-requests.js';
import type { AppPasswordSignInService } from './app-password-sign-in.service.js';

const REALM = 'App Passwords';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERVICE_KEY = new RegExp(SERVICE_KEY_PATTERN);

/**
 * `/auth/basic`: the question a reverse proxy asks (nginx `auth_request`,
 * Traefik ForwardAuth, Caddy `forward_auth`) before it lets an app through:
 * "is this sign-in name + app password good?". Any method. 204 with the user
 * in `X-Auth-*` headers, or one generic 401 for every kind of failure, also
 * when throttled (with Retry-After: nginx turns anything but 2xx/401/403 into
 * a 500) and when too busy to check (`Retry-After: 1`). `?service=imap`
 * names what the app signs in to: the app password must have that service
 * (without it: every service its tenant allows). `?tenant=<id>` accepts only
 * that tenant's users.
 *
 * The hot path: it counts itself in `requests` (an array slot) and writes an
 * access line only when the log level is debug; the request id is echoed in
 * `X-Request-Id` and is on every line about the request.
 */
export function createForwardAuthHandler(
  signIn: AppPasswordSignInService,
  requestInfo: (req: IncomingMessage) => RequestInfo,
  logger: Logger,
  requests: HttpRequestCounts,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    const startedAt = logger.isLevelEnabled('debug') ? performance.now() : undefined;
    let outcome: string;
    try {
      // Ids compare as text on the warm path: one canonical (lower-case) form. No query string, no URL parsing.
      const url = req.url ?? '';
      const query = url.includes('?') ? new URLSearchParams(url.slice(url.indexOf('?') + 1)) : undefined;
      const tenant = query?.get('tenant')?.toLowerCase() ?? undefined;
      const service = query?.get('service') ?? undefined;
      if (tenant !== undefined && !UUID.test(tenant)) {
        outcome = 'BAD_TENANT';
        refuse(res, requestId);
      } else if (service !== undefined && !SERVICE_KEY.test(service)) {
        // No app password has such a service: the same answer as any other refusal, without a lookup.
        outcome = 'BAD_SERVICE';
        refuse(res, requestId);
      } else {
        const result = await signIn.check(req.headers.authorization, requestInfo(req), { tenantId: tenant, service });
        if (result.ok) {
          outcome = 'SUCCESS';
          // A flat list: the cheapest form for node:http on the hot path.
          res.writeHead(204, [
            'Cache-Control',
            'no-store',
            REQUEST_ID_HEADER,
            requestId,
            'X-Auth-User',
            headerSafe(result.signInName),
            'X-Auth-User-Id',
            result.userId,
            'X-Auth-Tenant-Id',
            result.tenantId,
            'X-Auth-App-Password-Id',
            result.appPasswordId,
          ]);
          res.end();
        } else {
          outcome = result.outcome;
          refuse(res, requestId, result.retryAfterSeconds);
        }
      }
    } catch (error) {
      outcome = 'ERROR';
      logger.error({ reqId: requestId, err: error }, 'App-password check failed');
      // Fail closed. Not bad input: the database is away or something broke.
      res
        .writeHead(503, {
          'Cache-Control': 'no-store',
          'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
          [REQUEST_ID_HEADER]: requestId,
        })
        .end();
    }
    requests.add('auth_basic', res.statusCode);
    if (startedAt !== undefined) {
      logger.debug(
        {
          reqId: requestId,
          route: 'auth_basic',
          method: req.method,
          status: res.statusCode,
          outcome,
          ms: Math.round((performance.now() - startedAt) * 10) / 10,
        },
        'request completed',
      );
    }
  };
}

function refuse(res: ServerResponse, requestId: string, retryAfterSeconds?: number): void {
  res.writeHead(401, {
    'Cache-Control': 'no-store',
    'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"`,
    [REQUEST_ID_HEADER]: requestId,
    ...(retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {}),
  });
  res.end();
}

/** Header values are bytes; a sign-in name with non-ASCII letters is sent percent-encoded. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
