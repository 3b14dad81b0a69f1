import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../server/src/db/data-source.js';
import { basic, checkBasic, createAppPassword, randomIp, randomSecret } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let consoleDir: string;
beforeAll(async () => {
  // A stand-in for the built console, to show which paths it may and may not answer.
  consoleDir = mkdtempSync(path.join(tmpdir(), 'app-passwords-console-'));
  writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><div id="app"></div>');
  server = await startTestServer({ trustedProxies: ['127.0.0.1'], webDistDir: consoleDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

/** The parsed log lines of one request. */
function linesOf(target: TestServer, requestId: string): Array<Record<string, any>> {
  return target.logs.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === requestId);
}

describe('health and readiness', () => {
  it('/healthz says the process is up; /readyz that the database answers and is migrated', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
  });

  it('the console never answers for /readyz or other API paths, only for its own pages', async () => {
    expect((await fetch(`${server.url}/readyz`)).headers.get('content-type')).toMatch(/^application\/json/);
    const unknown = await fetch(`${server.url}/readyz/anything`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const deepLink = await fetch(`${server.url}/admin/users`);
    expect(await deepLink.text()).toContain('<div id="app">');
  });
});

/** A migrated database of its own on the run's server, which the test may take away; dropped afterwards. */
async function withOwnDatabase(run: (url: string, admin: pg.Client, name: string) => Promise<void>): Promise<void> {
  const serverUrl = inject('databaseUrl');
  const name = `app_passwords_ops_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await run(url.toString(), admin, name);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

describe('when the database is not there yet, or goes away', () => {
  it('/readyz says 503 until every migration has run', async () => {
    await withOwnDatabase(async (url) => {
      const fresh = await startTestServer({ databaseUrl: url });
      try {
        const before = await fetch(`${fresh.url}/readyz`);
        expect(before.status).toBe(503);
        expect(await before.json()).toEqual({ status: 'not ready', database: 'up', migrations: 'pending' });

        await migrate(fresh.db);
        const after = await fetch(`${fresh.url}/readyz`);
        expect(after.status).toBe(200);
        expect(await after.json()).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
      } finally {
        await fresh.close();
      }
    });
  });

  it('PostgreSQL refusing connections: /healthz stays 200, /readyz says 503, errors are logged with the request id, and all recover', async () => {
    await withOwnDatabase(async (url, admin, name) => {
      const own = await startTestServer({ databaseUrl: url });
      try {
        await migrate(own.db);
        const tenant = await createTenant(own.db);
        const user = await createUser(own.db, tenant);
        const appPassword = await createAppPassword(own, user);
        const session = await signedInClient(own, user);

        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);

        expect((await fetch(`${own.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${own.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({ status: 'not ready', database: 'down', migrations: 'unknown' });

        // /auth/basic fails closed with 503; its error line carries the request id it answered with.
        const check = await checkBasic(own, basic(user.email, appPassword.password), { headers: { 'x-request-id': 'nginx-0001' } });
        expect(check.status).toBe(503);
        expect(check.headers.get('x-request-id')).toBe('nginx-0001');
        expect(linesOf(own, 'nginx-0001')).toContainEqual(
          expect.objectContaining({ level: 'error', msg: 'App-password check failed', err: expect.any(Object) }),
        );

        // GraphQL: identifying the caller fails (the session lives in PostgreSQL) …
        const viewer = await fetch(`${own.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: session.cookie!, 'x-request-id': 'graphql-context-1' },
          body: JSON.stringify({ query: '{ viewer { id } }' }),
        });
        expect((await viewer.json()).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
        expect(linesOf(own, 'graphql-context-1')).toContainEqual(
          expect.objectContaining({ level: 'error', msg: 'Unexpected error while identifying the caller' }),
        );

        // … and a resolver fails (anonymous sign-in needs the database).
        const signIn = await fetch(`${own.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'graphql-resolver-1' },
          body: JSON.stringify({
            query: 'mutation ($input: SignInInput!) { signIn(input: $input) { viewer { id } } }',
            variables: { input: { email: user.email, password: user.password } },
          }),
        });
        const body = await signIn.json();
        expect(body.errors[0]).toMatchObject({
          message: 'Something went wrong on the server.',
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
        expect(linesOf(own, 'graphql-resolver-1')).toContainEqual(
          expect.objectContaining({ level: 'error', msg: 'Unexpected error in a GraphQL request', err: expect.any(Object) }),
        );
        // Logged once each, with the request id: nothing slipped through without one.
        const unexpected = own.logs.map((l) => JSON.parse(l)).filter((e) => /^Unexpected error/.test(e.msg));
        expect(unexpected.map((e) => e.reqId).sort()).toEqual(['graphql-context-1', 'graphql-resolver-1']);

        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        expect((await fetch(`${own.url}/readyz`)).status).toBe(200);
        expect((await checkBasic(own, basic(user.email, appPassword.password))).status).toBe(204);
      } finally {
        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        await own.close();
      }
    });
  });
});

describe('request ids and access logs', () => {
  it("echoes a proxy's request id, or makes one, and puts it on the request's log lines", async () => {
    const mine = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'a1b2c3d4e5' },
      body: JSON.stringify({ query: 'query Viewer { viewer { id } }', operationName: 'Viewer' }),
    });
    expect(mine.headers.get('x-request-id')).toBe('a1b2c3d4e5');
    expect(linesOf(server, 'a1b2c3d4e5')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        route: 'graphql',
        path: '/graphql',
        operation: 'Viewer',
        status: 200,
      }),
    ]);

    const forged = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'x"}, "level": "fatal' } });
    const made = forged.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf(server, made)).toEqual([expect.objectContaining({ level: 'debug', route: 'healthz', status: 200 })]);
  });

  it('logs /auth/basic only at debug level, with the outcome and without the credentials', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const response = await checkBasic(server, basic(user.email, randomSecret()), { ip: randomIp() });
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-request-id')!;
    const lines = linesOf(server, requestId);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', route: 'auth_basic', status: 401, outcome: 'WRONG_PASSWORD', msg: 'request completed' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(user.email);
  });

  it('logs a GraphQL request without its variables, so a password sent to signIn stays out', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { viewer { id } } }',
        operationName: 'SignIn',
        variables: { input: { email: user.email, password: user.password } },
      }),
    });
    const lines = linesOf(server, response.headers.get('x-request-id')!);
    expect(lines).toEqual([expect.objectContaining({ route: 'graphql', operation: 'SignIn', status: 200 })]);
    expect(JSON.stringify(lines)).not.toContain(user.password);
  });
});
