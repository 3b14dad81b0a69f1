import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../app.js';
import type { RequestInfo } from '../../common/context.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../common/database-unavailable.js';
import { OverloadedError } from '../../common/work-limiter.js';
import type { AppPasswordSignInService } from './app-password-sign-in.service.js';

export const FORWARD_AUTH_PATH = '/auth/basic';
const REALM = 'App Passwords';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/auth/basic`: the question a reverse proxy asks (nginx `auth_request`,
 * Traefik ForwardAuth, Caddy `forward_auth`) before it lets an app through:
 * "is this sign-in name + app password good?". Any method. 204 with the user
 * in `X-Auth-*` headers, or one generic 401 for every kind of failure, also
 * when throttled (with Retry-After: nginx turns anything but 2xx/401/403 into
 * a 500). `?tenant=<id>` accepts only that tenant's users.
 */
export function createForwardAuthHandler(
  signIn: AppPasswordSignInService,
  requestInfo: (req: IncomingMessage) => RequestInfo,
  logger: Logger,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      // Ids compare as text on the warm path: one canonical (lower-case) form. No query string, no URL parsing.
      const url = req.url ?? '';
      const tenant = url.includes('?')
        ? (new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('tenant')?.toLowerCase() ?? undefined)
        : undefined;
      if (tenant !== undefined && !UUID.test(tenant)) return refuse(res);
      const result = await signIn.check(req.headers.authorization, requestInfo(req), { tenantId: tenant });
      if (!result.ok) return refuse(res, result.retryAfterSeconds);
      // A flat list: the cheapest form for node:http on the hot path.
      res.writeHead(204, [
        'Cache-Control',
        'no-store',
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
    } catch (error) {
      if (error instanceof OverloadedError) return refuse(res, 1);
      logger.error('App-password check failed', error);
      // Fail closed. Not bad input: the database is away or something broke.
      res.writeHead(503, { 'Cache-Control': 'no-store', 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) }).end();
    }
  };
}

function refuse(res: ServerResponse, retryAfterSeconds?: number): void {
  res.writeHead(401, {
    'Cache-Control': 'no-store',
    'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"`,
    ...(retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {}),
  });
  res.end();
}

/** Header values are bytes; a sign-in name with non-ASCII letters is sent percent-encoded. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
