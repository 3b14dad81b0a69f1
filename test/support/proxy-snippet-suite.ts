/**
 * What an operator must be able to rely on from a snippet in integrations/,
 * asserted against the real proxy running that very file (support/proxies.ts)
 * with App Passwords as the auth endpoint and a real service behind it. Each
 * proxy's test file calls `describeProxySnippet` once: one proxy, one App
 * Passwords server (over a database of the file's own, which one test takes
 * away) and one service per file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/src/db/data-source.js';
import { basic, createAppPassword, outcomesOf, randomSecret, signInEventsByIp, WWW_AUTHENTICATE } from './app-passwords.js';
import { createEmptyDatabase, type OwnDatabase } from './databases.js';
import { createTenant, createUser } from './factories.js';
import { integrationFile, requestFrom, startUpstream, trustedProxiesIn, type RunningProxy, type Upstream } from './proxies.js';
import { startTestServer, type TestServer } from './test-server.js';
import { DeleteAppPasswordDocument, SecurityInfoDocument } from '@app-passwords/schema';

export interface ProxySnippet {
  /** The file under integrations/ that operators copy. */
  file: string;
  /** Starts the proxy from the file's text, with App Passwords and the service at the given `host:port`. */
  start(snippet: string, addresses: { appPasswords: string; service: string }): Promise<RunningProxy>;
  /** The status the client gets while App Passwords answers 503 (nginx's auth_request turns it into 500). */
  statusWhileAway: number;
  /** Whether the proxy hands App Passwords' Retry-After to the client with a refusal. */
  passesRetryAfter: boolean;
}
const X_AUTH = ['x-auth-user', 'x-auth-user-id', 'x-auth-tenant-id', 'x-auth-app-password-id'];
/** What a client may try to slip past the proxy: App Passwords' own four, and one the service might trust. */
const FORGED = {
  'X-Auth-User': 'admin@example.test',
  'X-Auth-User-Id': '00000000-0000-4000-8000-000000000001',
  'X-Auth-Tenant-Id': '00000000-0000-4000-8000-000000000002',
  'X-Auth-App-Password-Id': '00000000-0000-4000-8000-000000000003',
  'X-Auth-Groups': 'admins',
};

/** A client address of its own per test (all of 127/8 is loopback), never the proxy's 127.0.0.1. */
let nextClient = 2;
const newClientAddress = () => `127.0.0.${nextClient++}`;

export function describeProxySnippet(snippet: ProxySnippet): void {
  describe(`integrations/${snippet.file} in front of a service`, () => {
    const text = integrationFile(snippet.file);
    let database: OwnDatabase;
    let server: TestServer;
    let service: Upstream;
    let proxy: RunningProxy;

    beforeAll(async () => {
      database = await createEmptyDatabase('proxy');
      // App Passwords as the snippet tells the operator to configure it.
      server = await startTestServer({ databaseUrl: database.url, trustedProxies: trustedProxiesIn(text) });
      await migrate(server.db);
      service = await startUpstream();
      proxy = await snippet.start(text, { appPasswords: new URL(server.url).host, service: service.address });
    });
    afterAll(async () => {
      await proxy?.stop();
      await service?.close();
      await server?.close();
      await database?.drop();
    });

    /** A user with an app password, and a client address of this test's own. */
    async function appUser() {
      const tenant = await createTenant(server.db);
      const user = await createUser(server.db, tenant);
      const appPassword = await createAppPassword(server, user);
      return { user, appPassword, authorization: basic(user.email, appPassword.password), client: newClientAddress() };
    }

    /** GET /dav/file through the proxy from `client`, with these headers; and what reached the service because of it. */
    async function call(client: string, headers: Record<string, string> = {}) {
      const before = service.received.length;
      const response = await requestFrom(client, `${proxy.url}/dav/notes.txt`, { headers });
      return { response, reached: service.received.slice(before) };
    }

    function expectRefused(response: { status: number; headers: Record<string, unknown> }) {
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
    }

    it('lets a good app password through, with the four X-Auth-* headers App Passwords set and no Authorization header', async () => {
      const { user, appPassword, authorization, client } = await appUser();
      const { response, reached } = await call(client, { authorization });

      expect(response.status).toBe(200);
      expect(response.body).toBe('reached the service');
      expect(reached).toHaveLength(1);
      expect(reached[0]!.headers).toMatchObject({
        'x-auth-user': user.email,
        'x-auth-user-id': user.id,
        'x-auth-tenant-id': user.tenantId,
        'x-auth-app-password-id': appPassword.id,
      });
      expect(reached[0]!.headers.authorization).toBeUndefined();
    });

    it('refuses a wrong, a deleted and a missing app password with 401 and WWW-Authenticate, and the service never sees them', async () => {
      const { user, appPassword, authorization, client } = await appUser();

      const wrong = await call(client, { authorization: basic(user.email, randomSecret()) });
      expectRefused(wrong.response);
      expect(wrong.reached).toEqual([]);

      const none = await call(client);
      expectRefused(none.response);
      expect(none.reached).toEqual([]);

      expect((await call(client, { authorization })).response.status).toBe(200);
      const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
      expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
      const revoked = await call(client, { authorization });
      expectRefused(revoked.response);
      expect(revoked.reached).toEqual([]);
    });

    it('refuses an app password without the service webdav, whatever service the client names in its own query', async () => {
      const { user, appPassword, client } = await appUser();
      const mailOnly = await createAppPassword(server, user, { services: ['imap', 'smtp'], console: appPassword.console });
      const authorization = basic(user.email, mailOnly.password);

      const refused = await call(client, { authorization });
      expectRefused(refused.response);
      expect(refused.reached).toEqual([]);
      // The snippet's own ?service=webdav is what App Passwords gets, never the request's query.
      const before = service.received.length;
      expectRefused(await requestFrom(client, `${proxy.url}/dav/notes.txt?service=imap`, { headers: { authorization } }));
      expect(service.received.slice(before)).toEqual([]);
      expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SERVICE_NOT_ALLOWED', 'SERVICE_NOT_ALLOWED']);

      // The same user's app password for files passes.
      const files = await createAppPassword(server, user, { services: ['webdav'], console: appPassword.console });
      expect((await call(client, { authorization: basic(user.email, files.password) })).response.status).toBe(200);
    });

    it("checks an app password's networks against the client's address, not the proxy's", async () => {
      const { user, appPassword, client } = await appUser();
      const fromClient = await createAppPassword(server, user, { networks: [`${client}/32`], console: appPassword.console });
      const fromProxy = await createAppPassword(server, user, { networks: ['127.0.0.1/32'], console: appPassword.console });

      expect((await call(client, { authorization: basic(user.email, fromClient.password) })).response.status).toBe(200);
      const refused = await call(client, { authorization: basic(user.email, fromProxy.password) });
      expectRefused(refused.response);
      expect(refused.reached).toEqual([]);
      expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SUCCESS', 'NETWORK_NOT_ALLOWED']);
    });

    it('never passes on X-Auth-* headers a client sends itself, with or without a good password', async () => {
      const { user, appPassword, authorization, client } = await appUser();

      const forgedOnly = await call(client, FORGED);
      expectRefused(forgedOnly.response);
      expect(forgedOnly.reached).toEqual([]);
      const forgedWithWrong = await call(client, { ...FORGED, authorization: basic(user.email, randomSecret()) });
      expectRefused(forgedWithWrong.response);
      expect(forgedWithWrong.reached).toEqual([]);

      const { response, reached } = await call(client, { ...FORGED, authorization });
      expect(response.status).toBe(200);
      const [request] = reached;
      expect(request!.headers).toMatchObject({
        'x-auth-user': user.email,
        'x-auth-user-id': user.id,
        'x-auth-tenant-id': user.tenantId,
        'x-auth-app-password-id': appPassword.id,
      });
      expect(request!.headers['x-auth-groups']).toBeUndefined();
      // Each of the four once: App Passwords' value, not the client's beside it.
      const names = request!.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
      expect(names.filter((name) => name.startsWith('x-auth-')).sort()).toEqual([...X_AUTH].sort());
    });

    it("records the client's own address, not the proxy's nor one the client claims, and tells the service", async () => {
      const { user, appPassword, authorization, client } = await appUser();
      const claims = { 'X-Forwarded-For': '203.0.113.66' };

      const { response, reached } = await call(client, { ...claims, authorization });
      expect(response.status).toBe(200);
      expect(reached[0]!.headers['x-forwarded-for']).toBe(client);
      const listed = await appPassword.console.request(SecurityInfoDocument);
      expect(listed.data?.viewer?.securityInfo.appPasswords.map(({ id, lastUsedIp }) => ({ id, lastUsedIp }))).toEqual([
        { id: appPassword.id, lastUsedIp: client },
      ]);

      expectRefused((await call(client, { ...claims, authorization: basic(user.email, randomSecret()) })).response);
      expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['SUCCESS', 'WRONG_PASSWORD']);
      expect(await signInEventsByIp(server, '203.0.113.66')).toEqual([]);
    });

    it('refuses a throttled client even with the right password, while the same user still gets in from another client', async () => {
      const { user, authorization, client } = await appUser();
      for (let i = 0; i < 10; i++) expectRefused((await call(client, { authorization: basic(user.email, randomSecret()) })).response);

      const { response, reached } = await call(client, { authorization });
      expectRefused(response);
      if (snippet.passesRetryAfter) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(reached).toEqual([]);
      expect(outcomesOf(await signInEventsByIp(server, client)).slice(-1)).toEqual(['THROTTLED']);

      // Counted per client address: behind the same proxy, another client is not blocked with it.
      expect((await call(newClientAddress(), { authorization })).response.status).toBe(200);
    });

    it("refuses while App Passwords' database is away (503), never lets the request through, and recovers", async () => {
      const { authorization, client } = await appUser();
      expect((await call(client, { authorization })).response.status).toBe(200);

      await database.admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
      try {
        await database.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
        const { response, reached } = await call(client, { authorization });
        expect(response.status).toBe(snippet.statusWhileAway);
        expect(reached).toEqual([]);
      } finally {
        await database.admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
      }
      expect((await call(client, { authorization })).response.status).toBe(200);
    });
  });
}
