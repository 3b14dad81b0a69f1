import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The console's Content-Security-Policy. The Vite build loads one module
 * script, modulepreload links and one stylesheet from /assets, talks only to
 * this origin, and sets styles through the CSSOM (which CSP allows), so
 * nothing inline is needed.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers for everything express serves (the console, /graphql, the
 * exports): helmet's defaults with the policy above, framing refused, no
 * referrer. HSTS and upgrade-insecure-requests only when the deployment is
 * HTTPS, i.e. when cookies are `Secure`: on plain HTTP they would break the
 * console. `/auth/basic` bypasses express and sends no body, so none of this.
 */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CONTENT_SECURITY_POLICY, ...(https ? { 'upgrade-insecure-requests': [] } : {}) },
    },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** For responses that may carry secrets or personal data: no browser or proxy keeps a copy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

const answerNoStore: GraphQLRequestListener<object> = {
  async willSendResponse({ response }) {
    response.http.headers.set('cache-control', 'no-store');
  },
};

/** Keeps every GraphQL answer `no-store`: Apollo gives an unknown persisted query a Cache-Control of its own. */
export const graphqlNoStore: ApolloServerPlugin<object> = { requestDidStart: async () => answerNoStore };
