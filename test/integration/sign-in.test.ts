import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient, queryText, type GraphQLResult } from '../support/graphql-client.js';
import { startTestServer, testServerForFile } from '../support/test-server.js';
import {
  CreateAppPasswordDocument,
  DeleteAppPasswordDocument,
  SignInDocument,
  SignOutDocument,
  ViewerDocument,
} from '@app-passwords/schema';

const server = testServerForFile();

async function sessionCount(user: { id: string }): Promise<number> {
  const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM sessions WHERE user_id = $1', [user.id]);
  return count;
}

async function tenantSessionCount(tenantId: string): Promise<number> {
  const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM sessions WHERE tenant_id = $1', [tenantId]);
  return count;
}

/** A fresh client that sends `cookie` as-is, as an attacker replaying a stolen value would. */
function replay(cookie: string): GraphQLClient {
  const client = new GraphQLClient(server.url);
  client.cookie = cookie;
  return client;
}

async function viewerOf(client: GraphQLClient) {
  const result = await client.request(ViewerDocument);
  expect(result.errors).toBeUndefined();
  return result.data?.viewer ?? null;
}

/** The token inside an `ap_session=<token>` pair. */
function tokenOf(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1);
}

/** No stack frame ("at /path…" or "at fn (/path…)") and no SQL reaches a client. */
function expectNoInternals(result: GraphQLResult) {
  expect(result.body).not.toMatch(/\bat (\S+ \()?(\/|file:|node:|[A-Za-z]:\\)/);
  expect(result.body).not.toMatch(/\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/);
  expect(result.body).not.toMatch(/stacktrace|sessions|users_/i);
}

describe('signing in with the primary password', () => {
  it.each([
    ['as stored', (email: string) => email],
    ['in different letter case', (email: string) => email.toUpperCase()],
    ['with surrounding spaces', (email: string) => `  ${email}  `], // a tab is a control character: refused (input-fuzz.test.ts)
  ])('signs in with the email %s and sets an HttpOnly, SameSite=Lax session cookie', async (_, spell) => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    const client = new GraphQLClient(server.url);

    const result = await client.request(SignInDocument, { input: { email: spell(user.email), password: user.password } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.signIn.viewer).toMatchObject({ id: user.id });

    const setCookie = result.headers.get('set-cookie')!;
    const [pair, ...attributes] = setCookie.split(';').map((part) => part.trim());
    expect(pair).toMatch(/^ap_session=[A-Za-z0-9_-]{40,}$/);
    const lower = attributes.map((a) => a.toLowerCase());
    expect(lower).toContain('httponly');
    expect(lower).toContain('samesite=lax');
    expect(lower).toContain('path=/');
    expect(lower).not.toContain('secure');

    expect(await viewerOf(client)).toMatchObject({
      id: user.id,
      email: user.email,
      role: 'TENANT_ADMIN',
      tenant: { id: tenant.id, name: tenant.name },
    });
  });

  it('in production (secure cookies) names the cookie __Host-ap_session and marks it Secure, which browsers then keep to HTTPS', async () => {
    const secure = await startTestServer({ cookieSecure: true });
    try {
      const tenant = await createTenant(secure.db);
      const user = await createUser(secure.db, tenant);
      const result = await new GraphQLClient(secure.url).request(SignInDocument, { input: { email: user.email, password: user.password } });
      expect(result.errors).toBeUndefined();
      const [pair, ...attributes] = result.headers
        .get('set-cookie')!
        .split(';')
        .map((part) => part.trim().toLowerCase());
      expect(pair).toMatch(/^__host-ap_session=[a-z0-9_-]{40,}$/);
      expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    } finally {
      await secure.close();
    }
  });

  it('keeps primary passwords as argon2id with the documented parameters (m = 19 MiB, t = 2, p = 1)', async () => {
    const tenant = await createTenant(server.db);
    const created = await server.app.services.users.create({
      tenantId: tenant.id,
      email: `hash-${randomUUID()}@example.test`,
      role: Role.USER,
      password: 'a long enough password',
    });
    const [{ hash }] = await server.db.query('SELECT password_hash AS hash FROM users WHERE id = $1', [created.id]);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('stores only a 32-byte hash of the session token, never the token itself', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const token = tokenOf(client.cookie!);

    const rows: Array<{ json: string; hash: Buffer }> = await server.db.query(
      'SELECT row_to_json(s)::text AS json, s.token_hash AS hash FROM sessions s WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.hash).toHaveLength(32);
    expect(row!.hash.equals(Buffer.from(token))).toBe(false);
    expect(row!.hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(row!.json).not.toContain(token);
    expect(row!.json).not.toContain(Buffer.from(token).toString('hex'));
  });

  it('fails a wrong password, an unknown email and a disabled user the same way, without a session', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const disabled = await createUser(server.db, tenant, { disabled: true });
    const attempts = [
      { email: user.email, password: `${user.password}x` },
      { email: `nobody-${randomUUID()}@example.test`, password: user.password },
      { email: disabled.email, password: disabled.password },
    ];

    const messages: string[] = [];
    for (const input of attempts) {
      const client = new GraphQLClient(server.url);
      const result = await client.request(SignInDocument, { input });
      expect(GraphQLClient.code(result)).toBe('UNAUTHENTICATED');
      expect(result.data?.signIn ?? null).toBeNull();
      expect(result.headers.get('set-cookie')).toBeNull();
      expectNoInternals(result);
      messages.push(result.errors![0]!.message);
      expect(await viewerOf(client)).toBeNull();
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).not.toMatch(/disabled|unknown|not found|exist/i);
    expect(await tenantSessionCount(tenant.id)).toBe(0);
  });
});

describe('anonymous callers', () => {
  it('see no viewer and may not create or delete app passwords', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const owner = await signedInClient(server, user);
    const created = await owner.request(CreateAppPasswordDocument, { input: { name: 'Phone' } });
    const { id } = created.data!.createAppPassword.appPassword;

    const anonymous = new GraphQLClient(server.url);
    expect(await viewerOf(anonymous)).toBeNull();
    const create = await anonymous.request(CreateAppPasswordDocument, { input: { name: 'Laptop' } });
    expect(GraphQLClient.code(create)).toBe('UNAUTHENTICATED');
    const remove = await anonymous.request(DeleteAppPasswordDocument, { id });
    expect(GraphQLClient.code(remove)).toBe('UNAUTHENTICATED');

    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [user.id]);
    expect(count).toBe(1);
  });
});

describe('session lifetime', () => {
  async function signedInUser(): Promise<{ user: TestUser; client: GraphQLClient }> {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    return { user, client: await signedInClient(server, user) };
  }

  it('ends a session idle for more than 30 minutes', async () => {
    const { user, client } = await signedInUser();
    await server.db.query(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`, [user.id]);

    expect(await viewerOf(client)).toBeNull();
    const create = await client.request(CreateAppPasswordDocument, { input: { name: 'Phone' } });
    expect(GraphQLClient.code(create)).toBe('UNAUTHENTICATED');
  });

  it('keeps a session seen 29 minutes ago, and slides its idle window forward', async () => {
    const { user, client } = await signedInUser();
    await server.db.query(`UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = $1`, [user.id]);
    const [before] = await server.db.query('SELECT last_seen_at FROM sessions WHERE user_id = $1', [user.id]);

    expect(await viewerOf(client)).toMatchObject({ id: user.id });
    const [after] = await server.db.query('SELECT last_seen_at FROM sessions WHERE user_id = $1', [user.id]);
    expect(after.last_seen_at.getTime()).toBeGreaterThan(before.last_seen_at.getTime());

    // Had the window not moved, these two more minutes of idleness would end the session.
    await server.db.query(`UPDATE sessions SET last_seen_at = last_seen_at - interval '2 minutes' WHERE user_id = $1`, [user.id]);
    expect(await viewerOf(client)).toMatchObject({ id: user.id });
  });

  it('ends a session past its absolute end, even when it was just used', async () => {
    const { user, client } = await signedInUser();
    await server.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE user_id = $1`, [
      user.id,
    ]);

    expect(await viewerOf(client)).toBeNull();
    const create = await client.request(CreateAppPasswordDocument, { input: { name: 'Phone' } });
    expect(GraphQLClient.code(create)).toBe('UNAUTHENTICATED');
  });

  it('ends an open session on the next request once the user is disabled', async () => {
    const { user, client } = await signedInUser();
    expect(await viewerOf(client)).toMatchObject({ id: user.id });

    await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.id]);
    expect(await viewerOf(client)).toBeNull();
    const create = await client.request(CreateAppPasswordDocument, { input: { name: 'Phone' } });
    expect(GraphQLClient.code(create)).toBe('UNAUTHENTICATED');
  });
});

describe('signing out and in again', () => {
  it('signs out: clears the cookie, deletes the session, and the old cookie no longer works', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const oldCookie = client.cookie!;

    const result = await client.request(SignOutDocument);
    expect(result.errors).toBeUndefined();
    expect(result.data?.signOut).toBe(true);
    const setCookie = result.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^ap_session=;/);
    const expires = /expires=([^;]+)/i.exec(setCookie)?.[1];
    expect(new Date(expires!).getTime()).toBeLessThan(new Date('2000-01-01').getTime());
    expect(client.cookie).toBeUndefined();

    expect(await sessionCount(user)).toBe(0);
    expect(await viewerOf(client)).toBeNull();
    expect(await viewerOf(replay(oldCookie))).toBeNull();
    const create = await replay(oldCookie).request(CreateAppPasswordDocument, { input: { name: 'Phone' } });
    expect(GraphQLClient.code(create)).toBe('UNAUTHENTICATED');
  });

  it('returns false when signing out without a session', async () => {
    const result = await new GraphQLClient(server.url).request(SignOutDocument);
    expect(result.errors).toBeUndefined();
    expect(result.data?.signOut).toBe(false);
  });

  it('replaces the old session when signing in again while signed in', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const oldCookie = client.cookie!;

    const again = await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(again.errors).toBeUndefined();
    expect(client.cookie).toBeDefined();
    expect(client.cookie).not.toBe(oldCookie);

    expect(await viewerOf(client)).toMatchObject({ id: user.id });
    expect(await viewerOf(replay(oldCookie))).toBeNull();
    expect(await sessionCount(user)).toBe(1);
  });
});

describe('malformed and cross-site requests', () => {
  it('refuses a text/plain POST carrying a mutation (CSRF prevention) and runs nothing', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = new GraphQLClient(server.url);

    const body = JSON.stringify({ query: queryText(SignInDocument), variables: { input: { email: user.email, password: user.password } } });
    const result = await client.post(body, 'text/plain');
    expect(result.status).toBe(400);
    expect(result.headers.get('set-cookie')).toBeNull();
    expectNoInternals(result);
    expect(await sessionCount(user)).toBe(0);
  });

  it('answers a malformed JSON body with 400 BAD_USER_INPUT', async () => {
    const result = await new GraphQLClient(server.url).post('{"query": "mutation { signOut }",');
    expect(result.status).toBe(400);
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expectNoInternals(result);
  });

  it('answers a body over 1 MB with 413 BAD_USER_INPUT', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const padding = 'x'.repeat(1025 * 1024);
    const body = JSON.stringify({
      query: queryText(SignInDocument),
      variables: { input: { email: user.email, password: user.password }, padding },
    });

    const result = await new GraphQLClient(server.url).post(body);
    expect(result.status).toBe(413);
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expectNoInternals(result);
    expect(await sessionCount(user)).toBe(0);
  });

  it('rejects variables of the wrong type with BAD_USER_INPUT', async () => {
    const result = await new GraphQLClient(server.url).request(queryText(SignInDocument), { input: { email: 5, password: true } });
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(result.data?.signIn ?? null).toBeNull();
    expectNoInternals(result);
  });
});
