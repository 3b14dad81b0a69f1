import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Actor, RequestInfo } from '../../common/context.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../sign-in/session-cookie.js';
import type { SessionService } from '../sign-in/session.service.js';
import type { IdentityProviderService } from './identity-provider.service.js';
import { consolePath, type SignInStateCookie } from './sign-in-state.js';
import type { SingleSignOnService } from './single-sign-on.service.js';

const AFTER_SIGN_IN = '/security-info';

interface Sources {
  singleSignOn: SingleSignOnService;
  providers: IdentityProviderService;
  sessions: SessionService;
  stateCookie: SignInStateCookie;
  identifyCaller: (req: IncomingMessage) => Promise<Actor | null>;
  requestInfo: (req: IncomingMessage) => RequestInfo;
  cookieSecure: boolean;
}

/** A console page with the failure's code in its address: the sign-in page, or the page being confirmed on. */
function failurePage(failure: string, next: string | null): string {
  const page = next ?? '/sign-in';
  return `${page}${page.includes('?') ? '&' : '?'}sso_error=${encodeURIComponent(failure)}`;
}

function redirect(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, location);
}

/**
 * GET /auth/oidc/start and /auth/oidc/callback. Start: `login_hint` (the
 * sign-in name typed on the console's sign-in page) picks the tenant by its
 * domain; `reauthenticate=1` confirms the signed-in user at their tenant's
 * provider. Every ending is a redirect to a console page: the page asked
 * for, or one with `sso_error=<code>` in its address, never an error page of
 * the server's own.
 */
export function createSingleSignOnHandlers(sources: Sources): { start: RequestHandler; callback: RequestHandler } {
  const { singleSignOn, stateCookie } = sources;

  const start = async (req: Request, res: Response) => {
    const reauthenticate = req.query.reauthenticate === '1';
    const next = consolePath(req.query.next, AFTER_SIGN_IN);
    let actor: Actor | null = null;
    if (reauthenticate) {
      actor = await sources.identifyCaller(req).catch(() => null);
      if (actor?.signedInWith !== 'session') return redirect(res, `/sign-in?next=${encodeURIComponent(next)}`);
    }
    const loginHint = typeof req.query.login_hint === 'string' ? req.query.login_hint.slice(0, 320) : undefined;
    const started = await singleSignOn.start({
      loginHint,
      reauthenticate: actor?.signedInWith === 'session' ? actor : undefined,
      next,
    });
    if ('failure' in started) return redirect(res, failurePage(started.failure, reauthenticate ? next : null));
    stateCookie.set(res, started.state);
    redirect(res, started.redirect.href);
  };

  const callback = async (req: Request, res: Response) => {
    const saved = stateCookie.read(req);
    stateCookie.clear(res); // used once, whatever happens
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const url = new URL(`${sources.providers.redirectUri}${query}`);
    const end = await singleSignOn.finish(url, saved, sources.requestInfo(req));
    if (end.outcome === 'failed') return redirect(res, failurePage(end.failure, saved?.reauthenticate ? end.next : null));
    if (end.outcome === 'signed_in') {
      const previous = readSessionCookie(req, sources.cookieSecure);
      if (previous) await sources.sessions.signOutToken(previous);
      clearSessionCookie(res, sources.cookieSecure);
      setSessionCookie(res, end.token, sources.cookieSecure);
    }
    redirect(res, end.next);
  };

  return { start: wrap(start), callback: wrap(callback) };
}

/** Express 5 passes a rejected promise to the error handler; nothing here should reject, but if it does, it is a 500 logged there. */
function wrap(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}
