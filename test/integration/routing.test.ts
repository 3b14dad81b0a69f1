import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, type TestTenant } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** What Chromium sends when it loads a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const PAGE = '<!doctype html><div id="app"></div>';
const ASSET = 'console.log("the console");';
/** In files the server must never send: one beside the console's directory, and dotfiles inside it. */
const OUTSIDE = 'a file outside the console directory';
const DOTFILE = 'a dotfile inside the console directory';
const NOT_FOUND = { errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] };

let server: TestServer;
let root: string;
let tenant: TestTenant;
let authorization: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'app-passwords-routing-'));
  const dist = path.join(root, 'web');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  mkdirSync(path.join(dist, '.git'));
  writeFileSync(path.join(dist, 'index.html'), PAGE);
  writeFileSync(path.join(dist, 'assets/app-1a2B_c-.js'), ASSET);
  writeFileSync(path.join(dist, 'assets/.hidden'), DOTFILE);
  writeFileSync(path.join(dist, '.env'), DOTFILE);
  writeFileSync(path.join(dist, '.git/config'), DOTFILE);
  writeFileSync(path.join(root, 'outside.txt'), OUTSIDE);
  server = await startTestServer({ webDistDir: dist });
  tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant);
  authorization = basic(user.email, (await createAppPassword(server, user)).password);
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The path exactly as written (fetch would resolve dot segments and `%2e` before sending). */
function send(method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** As a browser (or a proxy passing a browser's headers on) would ask, carrying a good app password. */
function ask(method: string, target: string, accept = BROWSER): Promise<Answer> {
  const headers: Record<string, string> = { accept, authorization };
  if (method !== 'POST') return send(method, target.replace('TENANT', tenant.id), headers);
  return send(method, target, { ...headers, 'content-type': 'application/json' }, JSON.stringify({ query: '{ __typename }' }));
}

function expectNotFound(answer: Answer, method: string): void {
  expect(answer.status).toBe(404);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  if (method !== 'HEAD') expect(JSON.parse(answer.body)).toEqual(NOT_FOUND);
}

describe('routing: each API path answers exactly as written, and nowhere else', () => {
  it.each([
    ['GET', '/auth/basic', 204],
    ['HEAD', '/auth/basic', 204],
    ['GET', '/auth/basic?tenant=TENANT', 204],
    ['POST', '/graphql', 200],
    ['GET', '/healthz', 200],
    ['GET', '/readyz', 200],
    ['GET', '/metrics', 200],
    ['GET', '/export/audit.csv', 403], // an app password may not export; the path is right
    ['GET', '/export/sign-ins.csv', 403],
  ])('%s %s answers %i', async (method, target, status) => {
    const answer = await ask(method, target);
    expect(answer.status).toBe(status);
    expect(answer.body).not.toContain(PAGE);
  });

  it.each([
    ['GET', '/Auth/Basic'],
    ['GET', '/AUTH/BASIC'],
    ['GET', '/auth/Basic'],
    ['HEAD', '/Auth/Basic'],
    ['POST', '/Auth/Basic'],
    ['GET', '//auth/basic'],
    ['GET', '/auth//basic'],
    ['GET', '/auth/basic/'],
    ['GET', '/auth/basic/?tenant=TENANT'],
    ['GET', '/auth/basic//'],
    ['GET', '/%61uth/basic'],
    ['GET', '/auth/b%61sic'],
    ['GET', '/auth%2fbasic'],
    ['GET', '/auth%2Fbasic'],
    ['GET', '/auth%5cbasic'],
    ['GET', '/auth/./basic'],
    ['GET', '/./auth/basic'],
    ['GET', '/auth/basic/.'],
    ['GET', '/auth/%2e/basic'],
    ['GET', '/auth/x/../basic'],
    ['GET', '/x/../auth/basic'],
    ['GET', '/auth/basic/%2e%2e/basic'],
    ['GET', '/auth/basic%3Ftenant=TENANT'],
    ['GET', '/auth/basic;'],
    ['GET', '/auth/basic.'],
    ['GET', '/auth/basic%20'],
    ['GET', '/auth/basic%00'],
    ['GET', '/auth/basic/x'],
    ['GET', '/auth'],
    ['GET', '/auth/'],
    ['POST', '/GRAPHQL'],
    ['POST', '/Graphql'],
    ['POST', '/graphql/'],
    ['POST', '//graphql'],
    ['POST', '/%67raphql'],
    ['POST', '/graphql/.'],
    ['POST', '/./graphql'],
    ['POST', '/graphql%2f'],
    ['POST', '/graphql/x'],
    ['GET', '/HEALTHZ'],
    ['GET', '/healthz/'],
    ['GET', '/Readyz'],
    ['GET', '/metrics/'],
    ['GET', '/METRICS'],
    ['GET', '/Export/audit.csv'],
    ['GET', '/export/AUDIT.csv'],
    ['GET', '/export//audit.csv'],
    ['GET', '/export/audit.csv/'],
    ['GET', '/export/sign-ins.CSV'],
    ['GET', '/export/%61udit.csv'],
  ])('%s %s: 404 JSON, never 2xx, never the console, nothing run', async (method, target) => {
    const answer = await ask(method, target);
    expectNotFound(answer, method);
    expect(answer.body).not.toContain('__typename');
  });

  it('a variant of /graphql runs nothing and is logged and counted as "other", not as the console', async () => {
    const requestId = 'routing-graphql-variant';
    const answer = await send(
      'POST',
      '/GRAPHQL',
      { 'content-type': 'application/json', 'x-request-id': requestId },
      '{"query":"{ __typename }"}',
    );
    expectNotFound(answer, 'POST');
    const access = server.logs.map((line) => JSON.parse(line)).filter((e) => e.reqId === requestId && e.msg === 'request completed');
    expect(access).toEqual([expect.objectContaining({ route: 'other', path: '/GRAPHQL', status: 404 })]);
    const metrics = (await send('GET', '/metrics')).body;
    expect(metrics).toMatch(/^app_passwords_http_requests_total\{route="other",status="4xx"\} [1-9]/m);
  });
});

describe("routing: the console's pages and files", () => {
  it.each([
    ['GET', '/', BROWSER, 'page'],
    ['GET', '/admin/users', BROWSER, 'page'],
    ['GET', '/admin/', BROWSER, 'page'],
    ['HEAD', '/admin/users', BROWSER, 'page'],
    ['GET', '/sign-in?next=%2Fadmin%2Fusers', BROWSER, 'page'],
    ['GET', '/admin/users', 'text/html', 'page'],
    ['GET', '/assets/app-1a2B_c-.js', '*/*', 'file'],
    ['GET', '/admin/users', 'application/json', 'not found'],
    ['GET', '/admin/users', '*/*', 'not found'],
    ['GET', '/admin/users', '', 'not found'],
    ['POST', '/admin/users', BROWSER, 'not found'],
    ['PUT', '/admin/users', BROWSER, 'not found'],
    ['DELETE', '/', BROWSER, 'not found'],
    ['GET', '/admin//users', BROWSER, 'not found'],
    ['GET', '/assets/missing.js', '*/*', 'not found'],
  ])('%s %s (Accept: %s): %s', async (method, target, accept, expected) => {
    const answer = await send(method, target, accept ? { accept } : {});
    if (expected === 'not found') return expectNotFound(answer, method);
    expect(answer.status).toBe(200);
    if (method === 'HEAD') expect(answer.headers['content-type']).toMatch(/^text\/html/);
    else expect(answer.body).toBe(expected === 'page' ? PAGE : ASSET);
  });

  it.each([
    '/../outside.txt',
    '/assets/../../outside.txt',
    '/%2e%2e/outside.txt',
    '/%2E%2E/outside.txt',
    '/..%2foutside.txt',
    '/%2e%2e%2foutside.txt',
    '/assets/%2e%2e/%2e%2e/outside.txt',
    '/..%5coutside.txt',
    '/..\\outside.txt',
    '/assets%2fapp-1a2B_c-.js',
    '/assets/..%2f..%2foutside.txt',
    '/.env',
    '/%2eenv',
    '/.git/config',
    '/.git/',
    '/assets/.hidden',
    '/assets/%2ehidden',
    '/assets/../.env',
  ])('the file server never sends a file outside its directory or a dotfile: GET %s is 404', async (target) => {
    for (const accept of [BROWSER, '*/*']) {
      const answer = await send('GET', target, { accept });
      expectNotFound(answer, 'GET');
      expect(answer.body).not.toContain(OUTSIDE);
      expect(answer.body).not.toContain(DOTFILE);
    }
  });
});

describe('CORS: no other origin is granted access', () => {
  const FOREIGN = 'https://attacker.example';
  const allowHeaders = (answer: Answer) => Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

  it.each([
    ['POST', '/graphql'],
    ['GET', '/graphql?query=%7B__typename%7D'],
    ['GET', '/auth/basic'],
    ['GET', '/export/audit.csv'],
    ['GET', '/healthz'],
    ['GET', '/metrics'],
    ['GET', '/admin/users'],
  ])('%s %s with a foreign Origin gets no Access-Control-Allow-* header', async (method, target) => {
    const headers = { origin: FOREIGN, accept: BROWSER, authorization, 'content-type': 'application/json' };
    const answer = await send(method, target, headers, method === 'POST' ? '{"query":"{ __typename }"}' : undefined);
    expect(allowHeaders(answer)).toEqual([]);
  });

  it.each(['/graphql', '/graphql?query=%7B__typename%7D', '/export/audit.csv', '/auth/basic', '/healthz', '/'])(
    'a CORS preflight OPTIONS %s is granted nothing and runs no GraphQL',
    async (target) => {
      const answer = await send('OPTIONS', target, {
        origin: FOREIGN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      });
      expect(allowHeaders(answer)).toEqual([]);
      expect(answer.status).toBeGreaterThanOrEqual(400); // a browser takes any 2xx preflight as "go ahead"
      expect(answer.body).not.toContain('__typename');
      expect(answer.body).not.toContain('"data"');
    },
  );
});
