import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant } from '../support/admin.js';
import { basic } from '../support/app-passwords.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CreateApiTokenDocument, CreateAppPasswordDocument, SignInDocument, ViewerDocument } from '@app-passwords/schema';

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: string | null): Record<string, string[]> {
  expect(header).toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

/** What every response from express carries, console and API alike. */
function expectSecurityHeaders(headers: Headers): void {
  const policy = csp(headers.get('content-security-policy'));
  expect(policy['default-src']).toEqual(["'self'"]);
  expect(policy['script-src']).toEqual(["'self'"]);
  expect(policy['style-src']).toEqual(["'self'"]);
  expect(policy['object-src']).toEqual(["'none'"]);
  expect(policy['frame-ancestors']).toEqual(["'none'"]);
  expect(headers.get('content-security-policy')).not.toContain('unsafe-');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('HTTP headers', () => {
  let server: TestServer;
  let webDist: string;

  beforeAll(async () => {
    // A console build of our own, so this test does not depend on `pnpm build`.
    webDist = mkdtempSync(path.join(tmpdir(), 'app-passwords-web-'));
    mkdirSync(path.join(webDist, 'assets'));
    writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(path.join(webDist, 'assets/index-abc.js'), 'console.log("console");');
    server = await startTestServer({ webDistDir: webDist });
  });
  afterAll(async () => {
    await server.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('the console: security headers; index.html revalidated, hashed assets cached, no HSTS over plain HTTP', async () => {
    for (const page of ['/', '/admin/users']) {
      const response = await fetch(`${server.url}${page}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('/assets/index-abc.js');
      expectSecurityHeaders(response.headers);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(csp(response.headers.get('content-security-policy'))).not.toHaveProperty('upgrade-insecure-requests');
    }
    const asset = await fetch(`${server.url}/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expectSecurityHeaders(asset.headers);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('GraphQL: security headers and no-store on every answer: data, one-time secrets, sign-in, errors', async () => {
    const { console: admin, admin: adminUser } = await adminTenant(server);
    const anonymous = new GraphQLClient(server.url);
    const answers = {
      viewer: await admin.request(ViewerDocument),
      secret: await admin.request(CreateAppPasswordDocument, { input: { name: 'Headers' } }),
      token: await admin.request(CreateApiTokenDocument, { input: { name: 'Headers', scopes: ['AUDIT_READ'] } }),
      signIn: await anonymous.request(SignInDocument, { input: { email: adminUser.email, password: adminUser.password } }),
      wrongPassword: await new GraphQLClient(server.url).request(SignInDocument, {
        input: { email: adminUser.email, password: 'not the password' },
      }),
      syntaxError: await admin.request('{ viewer {'),
      notJson: await admin.post('{"query": ', 'application/json'),
    };
    expect(answers.viewer.data?.viewer?.email).toBe(adminUser.email);
    expect(answers.secret.data?.createAppPassword.password).toMatch(/^[a-z]{28}$/);
    expect(answers.token.data?.createApiToken.token).toMatch(/^apt_/);
    expect(answers.signIn.headers.get('set-cookie')).toBeTruthy();
    expect(GraphQLClient.code(answers.wrongPassword)).toBe('UNAUTHENTICATED');
    expect(answers.syntaxError.status).toBe(400);
    expect(answers.notJson.status).toBe(400);
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, cacheControl: answer.headers.get('cache-control') }).toEqual({ name, cacheControl: 'no-store' });
      expectSecurityHeaders(answer.headers);
    }

    // A GET without Apollo's preflight header (CSRF prevention), as a browser tab would send it.
    const get = await fetch(`${server.url}/graphql?query=%7Bviewer%7Bid%7D%7D`, { headers: { accept: 'text/html' } });
    expect(get.status).toBe(400);
    expect(await get.text()).not.toMatch(/<script/i); // no landing page pulling in someone else's scripts
    expect(get.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(get.headers);
  });

  it('answers 413 with BAD_USER_INPUT to a GraphQL body over 1 MB, and still sends no-store', async () => {
    const { console: admin } = await adminTenant(server);
    const justUnder = await admin.post(JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(1_000_000) } }));
    expect(justUnder.status).toBe(200);

    const tooLarge = await admin.post(JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(1_100_000) } }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.errors).toEqual([{ message: 'The request body is too large.', extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(tooLarge.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(tooLarge.headers);
  });

  it('the CSV exports: security headers and no-store, for the file and for a refusal', async () => {
    const { console: admin } = await adminTenant(server);
    for (const file of ['/export/audit.csv', '/export/sign-ins.csv']) {
      const csv = await fetch(`${server.url}${file}`, { headers: { cookie: admin.cookie! } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('cache-control')).toBe('no-store');
      expectSecurityHeaders(csv.headers);
      await csv.text();

      const refused = await fetch(`${server.url}${file}`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expectSecurityHeaders(refused.headers);
      await refused.text();
    }
  });

  it('/auth/basic keeps its own minimal answer: no-store, and none of the console headers', async () => {
    const response = await fetch(`${server.url}/auth/basic`, { headers: { authorization: basic('nobody@example.test', 'wrong') } });
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});

describe('HTTP headers behind HTTPS (secure cookies)', () => {
  it('adds HSTS for a year and upgrades insecure requests', async () => {
    const server = await startTestServer({ cookieSecure: true });
    try {
      for (const url of [`${server.url}/healthz`, `${server.url}/graphql`]) {
        const response = await fetch(url, {
          method: url.endsWith('/graphql') ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json' },
          body: url.endsWith('/graphql') ? JSON.stringify({ query: '{ viewer { id } }' }) : undefined,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
        expect(csp(response.headers.get('content-security-policy'))).toHaveProperty('upgrade-insecure-requests');
        await response.text();
      }
    } finally {
      await server.close();
    }
  });
});
