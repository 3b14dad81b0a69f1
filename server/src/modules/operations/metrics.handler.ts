import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { ErrorCode } from '@app-passwords/schema';
import { canonicalAddress } from '../../common/client-address.js';
import { metricsText } from './metrics.js';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the peer. */
const FORWARDED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Who may read /metrics. With METRICS_TOKEN set: whoever sends
 * `Authorization: Bearer <token>` (compared in constant time), from
 * anywhere. Without it: only this machine, i.e. a loopback peer whose request
 * no proxy forwarded, so a scraper on the host works out of the box and
 * nothing is exposed to the network.
 */
export function metricsAccess(token: string | undefined, headers: IncomingHttpHeaders, peer: string | undefined): MetricsAccess {
  if (token !== undefined) {
    const match = /^bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    return match && sameSecret(match[1]!, token) ? 'allowed' : 'unauthorized';
  }
  const ip = canonicalAddress(peer);
  const loopback = ip !== null && (ip === '::1' || /^127\./.test(ip));
  return loopback && !FORWARDED_HEADERS.some((h) => headers[h] !== undefined) ? 'allowed' : 'forbidden';
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** GET /metrics in Prometheus' text format, for those `metricsAccess` allows. */
export function createMetricsHandler(registry: Registry, token: string | undefined): RequestHandler {
  return async (req, res) => {
    const access = metricsAccess(token, req.headers, req.socket.remoteAddress);
    if (access !== 'allowed') {
      const unauthorized = access === 'unauthorized';
      if (unauthorized) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(unauthorized ? 401 : 403).json({
        errors: [
          {
            message: unauthorized
              ? 'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.'
              : 'Metrics are served only to this machine unless METRICS_TOKEN is set.',
            extensions: { code: unauthorized ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN },
          },
        ],
      });
      return;
    }
    res.setHeader('Content-Type', registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await metricsText(registry));
  };
}
