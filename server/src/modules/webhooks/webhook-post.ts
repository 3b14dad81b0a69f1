import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkResolvedAddresses } from './webhook-url.rules.js';
import { isDelivered } from './webhook-delivery.rules.js';

/** What one POST came to. `error` null: delivered (2xx). */
export interface PostOutcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** Kept-alive connections, at most `maxSockets` per host and port: a slow receiver never gets a pile of them from one instance. */
export function webhookAgents(maxSockets: number): { http: http.Agent; https: https.Agent } {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/**
 * Resolves the host as the connection does and refuses it unless every
 * address is allowed: the check of the address is the address connected to,
 * so a name that changes its answer between saving and delivery (DNS
 * rebinding) is judged by what it answers now.
 */
function guardedLookup(allowLocal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error | null, a: LookupAddress[]) => void)(error, []);
      const list = addresses as LookupAddress[];
      const refused = checkResolvedAddresses(
        list.map((a) => a.address),
        allowLocal,
      );
      if (refused) return (callback as (e: Error | null, a: LookupAddress[]) => void)(new Error(refused), []);
      if ((options as LookupOptions).all) (callback as (e: Error | null, a: LookupAddress[]) => void)(null, list);
      else (callback as (e: Error | null, a: string, f: number) => void)(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * One POST of a signed payload: redirects are not followed (a 3xx is a
 * failure), the whole exchange must end within `timeoutMs`, and the answer's
 * body is read and dropped (only its status is kept).
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowLocal: boolean; agents: { http: http.Agent; https: https.Agent } },
): Promise<PostOutcome> {
  const started = performance.now();
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, durationMs: Math.round(performance.now() - started), error });
    };
    const request = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? options.agents.https : options.agents.http,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allowLocal),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.on('data', () => undefined);
        response.on('end', () =>
          finish(
            status,
            isDelivered(status) ? null : status >= 300 && status < 400 ? `redirect (${status}), not followed` : `HTTP ${status}`,
          ),
        );
        response.on('error', () => finish(status, 'the answer broke off'));
      },
    );
    const timer = setTimeout(() => {
      finish(null, `no answer within ${options.timeoutMs} ms`);
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish(null, describeError(error)));
    request.end(body);
  });
}

/** A few words for the console, never more than the receiver's address. */
function describeError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT') ? 'TLS failed' : error.message.slice(0, 200);
  }
}
