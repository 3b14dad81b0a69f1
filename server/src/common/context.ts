import type { Request, Response } from 'express';
import type { Role } from '../modules/users/user.entity.js';

/** How the caller proved who they are on this request. */
export type SignInKind = 'session';

/** Who is calling: resolved once per request, read by every service method. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  signedInWith: SignInKind;
  sessionId: string;
}

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

export function requestInfo(req: Request): RequestInfo {
  const agent = req.get('user-agent');
  return {
    clientIp: normaliseIp(req.ip ?? req.socket.remoteAddress),
    userAgent: agent ? agent.slice(0, MAX_USER_AGENT_LENGTH) : null,
  };
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; undefined → null. */
export function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
