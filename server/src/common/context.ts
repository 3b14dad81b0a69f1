import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Request, Response } from 'express';
import proxyaddr from 'proxy-addr';
import type { Role } from '../modules/users/user.entity.js';

/**
 * Who is calling: resolved once per request, read by every service method.
 * `signedInWith` says how: a console session, or an app password sent by an
 * app over HTTP Basic (which may never create app passwords or do admin work).
 */
export type Actor = {
  userId: string;
  tenantId: string;
  role: Role;
} & ({ signedInWith: 'session'; sessionId: string } | { signedInWith: 'app_password'; appPasswordId: string });

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
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Reads where a request came from. The client IP comes from X-Forwarded-For
 * only when the direct peer (and each proxy before it) is trusted.
 */
export function createRequestInfo(trustedProxies: string[]): (req: IncomingMessage) => RequestInfo {
  const trust = proxyaddr.compile(trustedProxies);
  return (req) => {
    const agent = req.headers['user-agent'];
    let ip: string | undefined;
    try {
      ip = proxyaddr(req, trust);
    } catch {
      ip = req.socket.remoteAddress;
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
