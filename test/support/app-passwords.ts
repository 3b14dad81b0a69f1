import { randomInt } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { DataSource } from 'typeorm';
import { CreateAppPasswordDocument } from '@app-passwords/schema';
import type { Role } from '../../server/src/modules/users/user.entity.js';
import { createTenant, createUser, signedInClient, type TestUser } from './factories.js';
import type { DocumentNode } from 'graphql';
import { queryText, type GraphQLClient, type GraphQLResult } from './graphql-client.js';
import { recordAuthorization, recordCookies, recordSecret, recordSecretsIn } from './secrets.js';
import type { TestServer } from './test-server.js';

/** The one answer /auth/basic gives to every failure. */
export const WWW_AUTHENTICATE = 'Basic realm="App Passwords", charset="UTF-8"';

export interface CreatedAppPassword {
  id: string;
  /** The secret as the server showed it once: 28 lowercase letters. */
  password: string;
  /** The console session that created it. */
  console: GraphQLClient;
}

/**
 * A real app password, created through GraphQL with a console session (a new one unless `console` is given),
 * for the services given (default: every one the tenant allows) and from the networks given (default: anywhere).
 */
export async function createAppPassword(
  server: Pick<TestServer, 'url'>,
  user: TestUser,
  options: { name?: string; console?: GraphQLClient; services?: string[]; networks?: string[] } = {},
): Promise<CreatedAppPassword> {
  const console = options.console ?? (await signedInClient(server, user));
  const result = await console.request(CreateAppPasswordDocument, {
    input: { name: options.name ?? 'Mail app', services: options.services, networks: options.networks },
  });
  if (result.errors) throw new Error(`createAppPassword failed: ${JSON.stringify(result.errors)}`);
  const { password, appPassword } = result.data!.createAppPassword;
  recordSecret(password);
  return { id: appPassword.id, password, console };
}

/**
 * A user in a tenant of their own who owns one real app password (created
 * through the console, on `server`), and the Basic header an app would send with it.
 */
export async function ownerOfAppPassword(server: Pick<TestServer, 'db' | 'url'>, options: { role?: Role } = {}) {
  const tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant, options);
  const appPassword = await createAppPassword(server, user);
  return { tenant, user, appPassword, authorization: basic(user.email, appPassword.password) };
}

/** `Authorization: Basic base64(name:password)`, UTF-8 as RFC 7617 says. */
export function basic(name: string, password: string): string {
  const header = `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}`;
  recordAuthorization(header);
  return header;
}

/** A random address in 10/8, different per call: a fresh client IP for throttle counters (only a header value). */
export function randomIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** A random 28-letter secret, so almost surely nobody's app password. */
export function randomSecret(): string {
  let secret = '';
  for (let i = 0; i < 28; i++) secret += String.fromCharCode(97 + randomInt(26));
  return secret;
}

export interface CheckResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface CheckOptions {
  /** Sent as X-Forwarded-For (counts only on a server that trusts 127.0.0.1). */
  ip?: string;
  method?: string;
  /** The query string after `?`, e.g. `tenant=<id>`. */
  query?: string;
  headers?: Record<string, string>;
  userAgent?: string;
}

/** Asks /auth/basic, as nginx `auth_request` or Traefik ForwardAuth would. */
export async function checkBasic(
  server: Pick<TestServer, 'url'>,
  authorization: string | undefined,
  options: CheckOptions = {},
): Promise<CheckResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (options.userAgent) headers['user-agent'] = options.userAgent;
  const response = await fetch(`${server.url}/auth/basic${options.query !== undefined ? `?${options.query}` : ''}`, {
    method: options.method ?? 'GET',
    headers,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A GraphQL POST with an Authorization header (and optionally a session cookie and a client IP). */
export async function graphqlWithAuthorization<T = Record<string, any>>(
  server: Pick<TestServer, 'url'>,
  authorization: string | undefined,
  /** Inline text, or one of the console's documents from `@app-passwords/schema`. */
  query: string | DocumentNode,
  variables?: Record<string, unknown>,
  options: { ip?: string; cookie?: string } = {},
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (options.cookie) headers.cookie = options.cookie;
  recordAuthorization(authorization);
  recordCookies(options.cookie);
  recordSecretsIn(variables);
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: queryText(query), variables }),
  });
  const text = await response.text();
  const json = text.startsWith('{') ? JSON.parse(text) : {};
  recordSecretsIn(json.data);
  recordCookies(response.headers.get('set-cookie'));
  return { status: response.status, data: json.data, errors: json.errors, headers: response.headers, body: text };
}

/**
 * GET /auth/basic through node:http, whose header values are written as
 * latin1 bytes (fetch refuses some that a real client may send). Resolves
 * with the status, or with 'reset' when the server closed the connection
 * before an answer could be read (as it may after refusing an oversize header).
 */
export function rawCheck(server: TestServer, headers: Record<string, string>, agent?: http.Agent): Promise<number | 'reset'> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${server.url}/auth/basic`, { method: 'GET', headers, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
      response.on('error', reject);
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve('reset') : reject(error),
    );
    request.end();
  });
}

/** Writes `head` (the request line and headers, as bytes) on a fresh TCP connection and reads the status of the answer. */
export function rawHttp(server: TestServer, head: Buffer): Promise<number | 'reset'> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.end(head));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      resolve(status ? Number(status) : 'reset');
    });
  });
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface SignInEventRow {
  outcome: string;
  sign_in_name: string;
  tenant_id: string | null;
  user_id: string | null;
  app_password_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  /** Consecutive identical attempts this row stands for. */
  attempts: number;
  /** The whole row as JSON text, to prove a secret appears nowhere in it. */
  json: string;
}

/** The sign-in log rows of one user agent (tests give each case its own), oldest first, after writing out the buffer. */
export async function signInEventsByAgent(server: TestServer, userAgent: string): Promise<SignInEventRow[]> {
  await server.app.services.signInLog.flush();
  return readEvents(server.db, 'user_agent = $1', [userAgent]);
}

/** The sign-in log rows for one client IP, oldest first, after writing out the buffer. */
export async function signInEventsByIp(server: TestServer, ip: string): Promise<SignInEventRow[]> {
  await server.app.services.signInLog.flush();
  return readEvents(server.db, 'client_ip = $1::inet', [ip]);
}

/** The sign-in log rows for one client IP that are in the database so far (another process writes its buffer once a second: poll). */
export function storedSignInEventsByIp(db: DataSource, ip: string): Promise<SignInEventRow[]> {
  return readEvents(db, 'client_ip = $1::inet', [ip]);
}

function readEvents(db: DataSource, where: string, params: unknown[]): Promise<SignInEventRow[]> {
  return db.query(
    `SELECT outcome, sign_in_name, tenant_id, user_id, app_password_id, host(client_ip) AS client_ip, user_agent, attempts,
            row_to_json(e)::text AS json
       FROM sign_in_events e WHERE ${where} ORDER BY id`,
    params,
  );
}

/** The outcomes in the order they happened: a row of n attempts counts n times. */
export function outcomesOf(rows: SignInEventRow[]): string[] {
  return rows.flatMap((r) => Array<string>(r.attempts).fill(r.outcome));
}

/** The throttle row for a key such as `name+ip:<name>|<ip>`, with its block still to run in seconds (negative when over). */
export async function throttleRow(
  db: DataSource,
  key: string,
): Promise<
  { failures: number; in_flight: number; blocks: number; blocked_for_seconds: number | null; blocked_forever: boolean } | undefined
> {
  const rows = await db.query(
    `SELECT failures, in_flight, blocks, coalesce(blocked_until = 'infinity'::timestamptz, false) AS blocked_forever,
            CASE WHEN blocked_until = 'infinity'::timestamptz THEN NULL
                 ELSE extract(epoch FROM blocked_until - now())::float8 END AS blocked_for_seconds
       FROM sign_in_throttles WHERE key = $1`,
    [key],
  );
  return rows[0];
}
