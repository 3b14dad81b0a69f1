import type http from 'node:http';
import type { Actor, RequestInfo, SessionActor } from '../../common/context.js';
import { failClosed } from '../../common/database-unavailable.js';
import { unauthenticated } from '../../common/errors.js';
import type { ApiTokenService } from '../api-tokens/api-token.service.js';
import { readSessionCookie } from './session-cookie.js';
import type { SessionService } from './session.service.js';

/**
 * An app's Basic credentials (sign-in name and app password) on a GraphQL
 * request or an export: app-passwords checks them, and is handed in here
 * because it builds on this module.
 */
export type BasicCaller = (authorization: string, request: RequestInfo) => Promise<Actor>;

export interface CallerSources {
  sessions: SessionService;
  apiTokens: ApiTokenService;
  basic: BasicCaller;
  cookieSecure: boolean;
}

/** How a session cookie becomes its actor: SessionService.resolve, or a lookup that reads more in the same statement. */
export type SessionLookup = (token: string) => Promise<SessionActor | null>;

/** Who is calling; a GraphQL request may look its session up with `lookUpSession` instead of the ordinary lookup. */
export type IdentifyCaller = (req: http.IncomingMessage, request: RequestInfo, lookUpSession?: SessionLookup) => Promise<Actor | null>;

/**
 * Who is calling, from the request: a session cookie (the console), Basic
 * credentials (an app with an app password) or a Bearer API token
 * (an integrator). A request carrying a cookie and an Authorization header
 * is refused. With the database away, the caller cannot be known:
 * SERVICE_UNAVAILABLE (503), never a guess.
 */
export function createIdentifyCaller(sources: CallerSources): IdentifyCaller {
  const identify = async (req: http.IncomingMessage, request: RequestInfo, lookUpSession?: SessionLookup): Promise<Actor | null> => {
    const token = readSessionCookie(req, sources.cookieSecure);
    const authorization = req.headers.authorization;
    if (authorization === undefined) return token ? (lookUpSession ?? sources.sessions.resolve.bind(sources.sessions))(token) : null;
    if (token !== undefined) {
      throw unauthenticated('Send either the session cookie or an Authorization header, not both.', 'authentication');
    }
    if (!/^bearer\s/i.test(authorization)) return sources.basic(authorization, request);
    const actor = await sources.apiTokens.authenticate(authorization.replace(/^bearer\s+/i, '').trim());
    if (!actor) throw unauthenticated('The API token is unknown, revoked or expired.', 'authentication');
    return actor;
  };
  return (req, request, lookUpSession) => identify(req, request, lookUpSession).catch(failClosed);
}
