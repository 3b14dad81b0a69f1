import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Request, Response } from 'express';
import proxyaddr from 'proxy-addr';
import type { Role } from '../modules/users/user.entity.js';
import type { Logger } from './logger.js';

/** What an API token may be granted; each admin query names the one it needs. */
export enum ApiScope {
  APP_PASSWORDS_READ = 'app_passwords:read',
  APP_PASSWORDS_REVOKE = 'app_passwords:revoke',
  AUDIT_READ = 'audit:read',
  USERS_READ = 'users:read',
  POLICY_READ = 'policy:read',
}

/**
 * A person: signed in to the console (a session), or an app signing in with
 * one of their app passwords over HTTP Basic, which may never create app
 * passwords or do admin work.
 */
export type UserActor = {
  userId: string;
  tenantId: string;
  role: Role;
} & (
  | {
      signedInWith: 'session';
      sessionId: string;
      /** When the user last proved who they are in this session (sign-in, or entering the password again). */
      authenticatedAt: Date;
      /**
       * An admin whose tenant requires two-step verification for admins, without it:
       * admin fields answer TWO_STEP_REQUIRED. Found with the session, at no extra cost.
       */
      twoStepRequiredForAdmin: boolean;
    }
  | { signedInWith: 'app_password'; appPasswordId: string }
);

/** An integrator's API token: acts for the tenant, within its scopes, never as a user. */
export interface TokenActor {
  signedInWith: 'api_token';
  tenantId: string;
  apiTokenId: string;
  scopes: ApiScope[];
}

/** Who is calling: resolved once per request, read by every service method. */
export type Actor = UserActor | TokenActor;

/** Where a request came from, for audit records. */
export interface RequestInfo {
  clientIp: string | null;
  userAgent: string | null;
}

export interface Context {
  actor: Actor | null;
  request: RequestInfo;
  req: Request;
  res: Response;
  /** This request's logger: its lines carry the request id. */
  log: Logger;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Reads where a request came from. The client IP comes from X-Forwarded-For
 * only when the direct peer (and each proxy before it) is trusted.
 */
export function createRequestInfo(trustedProxies: string[]): (req: IncomingMessage) => RequestInfo {
  const trust = trustedProxies.length > 0 ? proxyaddr.compile(trustedProxies) : undefined;
  return (req) => {
    const agent = req.headers['user-agent'];
    let ip = req.socket.remoteAddress;
    if (trust) {
      try {
        ip = proxyaddr(req, trust);
      } catch {
        // a malformed X-Forwarded-For: the direct peer it is
      }
    }
    return { clientIp: normaliseIp(ip), userAgent: agent ? agent.slice(0, MAX_USER_AGENT_LENGTH) : null };
  };
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; anything that is not an IP address (a forged header) → null. */
export function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const plain = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return isIP(plain) ? plain : null;
}
