import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/src/db/data-source.js';
import { withEmptyDatabase } from '../support/databases.js';
import { basic, checkBasic, createAppPassword, randomIp, randomSecret } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { dataOf } from '../support/admin.js';
import { queryText } from '../support/graphql-client.js';
import { SignInDocument, ViewerDocument } from '@app-passwords/schema';

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

async function scrape(target: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${target.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  return response.text();
}

/** One sample of a Prometheus text exposition: `name{labels} value`, with exactly these labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(match[3]);
  }
  return undefined;
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

  it('the console never answers for /readyz, /metrics or other API paths, only for its own pages', async () => {
    expect((await fetch(`${server.url}/readyz`)).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(`${server.url}/metrics`)).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const unknown = await fetch(`${server.url}/metrics/anything`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const deepLink = await fetch(`${server.url}/admin/users`, { headers: { accept: 'text/html' } });
    expect(await deepLink.text()).toContain('<div id="app">');
  });
});

describe('when the database is not there yet, or goes away', () => {
  it('/readyz says 503 until every migration has run', async () => {
    await withEmptyDatabase('ops', async (url) => {
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
    await withEmptyDatabase('ops', async (url, admin, name) => {
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

        // GraphQL: identifying the caller fails (the session lives in PostgreSQL): 503, try again …
        const viewer = await fetch(`${own.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: session.cookie!, 'x-request-id': 'graphql-context-1' },
          body: JSON.stringify({ query: queryText(ViewerDocument) }),
        });
        expect(viewer.status).toBe(503);
        expect((await viewer.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
        expect(linesOf(own, 'graphql-context-1')).toContainEqual(
          expect.objectContaining({ level: 'warn', msg: 'The database is unavailable: the caller could not be identified' }),
        );

        // … and a resolver fails (anonymous sign-in needs the database).
        const signIn = await fetch(`${own.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'graphql-resolver-1' },
          body: JSON.stringify({
            query: queryText(SignInDocument),
            variables: { input: { email: user.email, password: user.password } },
          }),
        });
        const body = await signIn.json();
        expect(signIn.status).toBe(503);
        expect(body.errors[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
        expect(JSON.stringify(body)).not.toMatch(/accepting connections|postgres/i);
        expect(linesOf(own, 'graphql-resolver-1')).toContainEqual(
          expect.objectContaining({ level: 'error', msg: 'Unexpected error in a GraphQL request', err: expect.any(Object) }),
        );
        // Logged once, with the request id: nothing slipped through without one.
        const unexpected = own.logs.map((l) => JSON.parse(l)).filter((e) => /^Unexpected error/.test(e.msg));
        expect(unexpected.map((e) => e.reqId)).toEqual(['graphql-resolver-1']);

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
      body: JSON.stringify({ query: queryText(ViewerDocument), operationName: 'Viewer' }),
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
        query: queryText(SignInDocument),
        operationName: 'SignIn',
        variables: { input: { email: user.email, password: user.password } },
      }),
    });
    const lines = linesOf(server, response.headers.get('x-request-id')!);
    expect(lines).toEqual([expect.objectContaining({ route: 'graphql', operation: 'SignIn', status: 200 })]);
    expect(JSON.stringify(lines)).not.toContain(user.password);
  });
});

describe('/metrics', () => {
  it('counts app-password checks by outcome, the warm cache, argon2 work and requests by route', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const ip = randomIp();
    const stats = server.app.services.appPasswordSignIn.stats;
    const before = await scrape(server);
    const verificationsBefore = stats.argon2Verifications;

    const statuses = [
      await checkBasic(server, basic(user.email, randomSecret()), { ip }),
      await checkBasic(server, basic(user.email, randomSecret()), { ip }),
      await checkBasic(server, basic(user.email, appPassword.password), { ip }), // cold: argon2
      await checkBasic(server, basic(user.email, appPassword.password), { ip }), // warm: remembered
      await checkBasic(server, 'Basic !!!', { ip }),
    ].map((r) => r.status);
    expect(statuses).toEqual([401, 401, 204, 204, 401]);
    const after = await scrape(server);

    const delta = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect({
      wrong: delta('app_passwords_verifications_total', { outcome: 'WRONG_PASSWORD' }),
      success: delta('app_passwords_verifications_total', { outcome: 'SUCCESS' }),
      malformed: delta('app_passwords_verifications_total', { outcome: 'MALFORMED' }),
      hits: delta('app_passwords_cache_hits_total'),
      misses: delta('app_passwords_cache_misses_total'),
      argon2: delta('app_passwords_argon2_duration_seconds_count'),
      refused: delta('app_passwords_http_requests_total', { route: 'auth_basic', status: '4xx' }),
      accepted: delta('app_passwords_http_requests_total', { route: 'auth_basic', status: '2xx' }),
    }).toEqual({ wrong: 2, success: 2, malformed: 1, hits: 1, misses: 3, argon2: 3, refused: 3, accepted: 2 });
    expect(stats.argon2Verifications - verificationsBefore).toBe(3);
    // The scrape before this one was counted too.
    expect(delta('app_passwords_http_requests_total', { route: 'metrics', status: '2xx' })).toBe(1);
  });

  it('shows the argon2 queue, the database pool, the sign-in log buffer and the process', async () => {
    const text = await scrape(server);
    for (const name of [
      'app_passwords_argon2_queue_length',
      'app_passwords_argon2_active',
      'app_passwords_argon2_rejected_total',
      'app_passwords_db_pool_connections',
      'app_passwords_db_pool_idle_connections',
      'app_passwords_db_pool_waiting_clients',
      'app_passwords_sign_in_log_buffered_events',
      'app_passwords_sign_in_log_dropped_events_total',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(sample(text, name), name).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'app_passwords_db_pool_max_connections')).toBe(20); // the test servers' pool size
    expect(sample(text, 'app_passwords_db_pool_connections')).toBeGreaterThan(0);
    // The server has answered GraphQL with SQL before this scrape, and the counter grows with each statement.
    const statements = sample(text, 'app_passwords_sql_statements_total') ?? 0;
    expect(statements).toBeGreaterThan(0);
    const tenant = await createTenant(server.db);
    const session = await signedInClient(server, await createUser(server.db, tenant));
    expect(dataOf(await session.request(ViewerDocument)).viewer?.tenant).toMatchObject({ id: tenant.id });
    expect(sample(await scrape(server), 'app_passwords_sql_statements_total')).toBeGreaterThan(statements);
  });

  it('labels requests by a fixed set of routes, never by what the client asked for', async () => {
    const marker = randomUUID();
    await fetch(`${server.url}/users/${marker}`);
    await fetch(`${server.url}/auth/${marker}?tenant=${marker}`);
    await fetch(`${server.url}/graphql?${marker}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${server.url}/scim/v2/Users/${marker}?filter=${marker}`);
    await checkBasic(server, basic(`${marker}@example.test`, randomSecret()), { ip: randomIp(), query: `tenant=${marker}` });
    const text = await scrape(server);
    expect(text).not.toContain(marker);
    const routes = new Set([...text.matchAll(/^app_passwords_http_requests_total\{route="([^"]+)"/gm)].map((m) => m[1]));
    expect([...routes].sort()).toEqual([
      'auth_basic',
      'console',
      'export',
      'graphql',
      'healthz',
      'metrics',
      'other',
      'readyz',
      'scim',
      'single_sign_on',
    ]);
  });

  it('keeps each app instance’s counts apart (one registry per app)', async () => {
    const other = await startTestServer();
    try {
      await checkBasic(server, basic(`nobody-${randomUUID()}@example.test`, randomSecret()), { ip: randomIp() });
      const text = await scrape(other);
      expect(sample(text, 'app_passwords_http_requests_total', { route: 'auth_basic', status: '4xx' })).toBe(0);
      expect(sample(await scrape(server), 'app_passwords_http_requests_total', { route: 'auth_basic', status: '4xx' })).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('without METRICS_TOKEN: only for this machine, not for requests a proxy forwarded', async () => {
    const forwarded = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forwarded.status).toBe(403);
    expect(await forwarded.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('with METRICS_TOKEN: only with that token as a Bearer token', async () => {
    const token = randomBytes(32).toString('hex');
    const guarded = await startTestServer({ metricsToken: token });
    try {
      const none = await fetch(`${guarded.url}/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token.slice(1)}x` } })).status).toBe(401);
      expect(sample(await scrape(guarded, { authorization: `Bearer ${token}` }), 'app_passwords_cache_hits_total')).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});
