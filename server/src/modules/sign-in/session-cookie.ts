import { parseCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { SESSION_ABSOLUTE_TIMEOUT_MS } from './session.service.js';

/**
 * With Secure set, the `__Host-` prefix also pins the cookie to this host and
 * path `/`; browsers refuse it over plain HTTP, hence the plain name in development.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-ap_session' : 'ap_session';
}

export function readSessionCookie(req: IncomingMessage, secure: boolean): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[sessionCookieName(secure)];
}

export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_ABSOLUTE_TIMEOUT_MS,
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
