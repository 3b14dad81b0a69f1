import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { CreateAppPasswordDocument, DeleteAppPasswordDocument, SecurityInfoDocument } from '@app-passwords/schema';

const server = testServerForFile();

/**
 * Waits until `count` server transactions wait on a lock (the server's pool
 * has 20 connections). Reads pg_locks, which unlike pg_stat_activity is not
 * frozen inside the observer's own transaction.
 */
async function waitForBlockedTransactions(observer: pg.Client, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await observer.query('SELECT count(DISTINCT pid)::int AS waiting FROM pg_locks WHERE NOT granted');
    if (rows[0].waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} transactions ever waited`);
}

/** What a failed request must not have left behind. */
async function tenantWrites(tenant: TestTenant): Promise<{ appPasswords: number; auditEvents: number }> {
  const [row] = await server.db.query(
    `SELECT (SELECT count(*)::int FROM app_passwords WHERE tenant_id = $1) AS "appPasswords",
            (SELECT count(*)::int FROM audit_events WHERE tenant_id = $1) AS "auditEvents"`,
    [tenant.id],
  );
  return row;
}

describe('the limit of app passwords per user', () => {
  it('allows the 40th and refuses the 41st with APP_PASSWORD_LIMIT_REACHED, asking to delete one first', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const existing = await insertAppPasswords(server.db, user, 39);
    const client = await signedInClient(server, user);

    const fortieth = await client.request(CreateAppPasswordDocument, { input: { name: 'Fortieth' } });
    expect(fortieth.errors).toBeUndefined();
    const refused = await client.request(CreateAppPasswordDocument, { input: { name: 'Forty-first' } });
    expect(GraphQLClient.code(refused)).toBe('APP_PASSWORD_LIMIT_REACHED');
    expect(refused.errors?.[0]?.message).toMatch(/delete one/i);
    expect(refused.data).toBeNull();

    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo).toMatchObject({ appPasswordCount: 40, appPasswordLimit: 40 });

    // Deleting frees the slot at once.
    await client.request(DeleteAppPasswordDocument, { id: existing[0]! });
    const afterDelete = await client.request(CreateAppPasswordDocument, { input: { name: 'Replacement' } });
    expect(afterDelete.errors).toBeUndefined();
  });

  it('holds under 50 parallel creates for a user who has 39: exactly one succeeds', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 39);
    const client = await signedInClient(server, user);

    // Hashing staggers the requests, so left alone their transactions rarely
    // overlap. Holding the table lock from outside makes them all arrive at
    // the limit check together, as under real load on a slow database.
    const blocker = new pg.Client(inject('databaseUrl'));
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE app_passwords IN ACCESS EXCLUSIVE MODE');
    const pending = Promise.all(
      Array.from({ length: 50 }, (_, i) => client.request(CreateAppPasswordDocument, { input: { name: `Racer ${i}` } })),
    );
    await waitForBlockedTransactions(blocker, 20);
    await blocker.query('COMMIT');
    await blocker.end();
    const results = await pending;
    const codes = results.map((r) => GraphQLClient.code(r) ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'APP_PASSWORD_LIMIT_REACHED')).toHaveLength(49);

    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [user.id]);
    expect(count).toBe(40);
    const [{ events }] = await server.db.query(
      `SELECT count(*)::int AS events FROM audit_events WHERE target_user_id = $1 AND action = 'app_password.created'`,
      [user.id],
    );
    expect(events).toBe(1);
  });

  it('follows a lower tenant limit, and lowering it never deletes existing ones', async () => {
    const tenant = await createTenant(server.db, { maxAppPasswordsPerUser: 3 });
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 5); // created before the tenant lowered its limit
    const client = await signedInClient(server, user);

    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo).toMatchObject({ appPasswordCount: 5, appPasswordLimit: 3 });
    const refused = await client.request(CreateAppPasswordDocument, { input: { name: 'One more' } });
    expect(GraphQLClient.code(refused)).toBe('APP_PASSWORD_LIMIT_REACHED');
    expect((await tenantWrites(tenant)).appPasswords).toBe(5);
  });

  it('does not count expired app passwords toward the limit', async () => {
    const tenant = await createTenant(server.db, { maxAppPasswordsPerUser: 2 });
    const user = await createUser(server.db, tenant);
    const [expired] = await insertAppPasswords(server.db, user, 2);
    await server.db.query(`UPDATE app_passwords SET expires_at = now() - interval '1 day' WHERE id = $1`, [expired]);
    const client = await signedInClient(server, user);

    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo.appPasswordCount).toBe(1);
    const created = await client.request(CreateAppPasswordDocument, { input: { name: 'Allowed' } });
    expect(created.errors).toBeUndefined();
  });
});

describe('the tenant policy', () => {
  it('when app passwords are off: not offered, and creating fails with APP_PASSWORDS_DISABLED writing nothing', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);

    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo.availableMethods).toEqual(['AUTHENTICATOR_APP']);
    const refused = await client.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } });
    expect(GraphQLClient.code(refused)).toBe('APP_PASSWORDS_DISABLED');
    expect(await tenantWrites(tenant)).toEqual({ appPasswords: 0, auditEvents: 0 });
  });

  it('switching on offers app passwords again', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    await server.db.query('UPDATE tenant_policies SET app_passwords_enabled = true WHERE tenant_id = $1', [tenant.id]);

    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo.availableMethods).toEqual(['AUTHENTICATOR_APP', 'APP_PASSWORD']);
    expect((await client.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } })).errors).toBeUndefined();
  });
});

describe("another user's app passwords stay out of reach", () => {
  it('deleting a colleague’s or another tenant’s app password is NOT_FOUND, exactly like an unknown id, and deletes nothing', async () => {
    const tenant = await createTenant(server.db);
    const otherTenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const colleague = await createUser(server.db, tenant);
    const stranger = await createUser(server.db, otherTenant);
    const [colleagues] = await insertAppPasswords(server.db, colleague, 1);
    const [strangers] = await insertAppPasswords(server.db, stranger, 1);
    const client = await signedInClient(server, user);

    const unknown = await client.request(DeleteAppPasswordDocument, { id: '0b7e7b8e-9a4c-4d8e-8f60-6f2f5f0c1a11' });
    for (const id of [colleagues, strangers]) {
      const result = await client.request(DeleteAppPasswordDocument, { id: id! });
      expect(GraphQLClient.code(result)).toBe('NOT_FOUND');
      expect(result.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    }
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE id = ANY($1)', [
      [colleagues, strangers],
    ]);
    expect(count).toBe(2);
    expect((await tenantWrites(otherTenant)).auditEvents).toBe(0);
  });

  it('the security-info list shows only the viewer’s own app passwords', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const colleague = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, colleague, 3);
    const client = await signedInClient(server, user);
    const info = await client.request(SecurityInfoDocument);
    expect(info.data?.viewer?.securityInfo).toMatchObject({ appPasswords: [], appPasswordCount: 0 });
  });
});

describe('bad input is refused and writes nothing', () => {
  it.each([
    ['an empty name', ''],
    ['a whitespace-only name', '   \t '],
    ['a 65-character name', 'x'.repeat(65)],
    ['a name with a control character', 'Printer\u0007'],
    ['a name with a line break', 'Mail\nclient'],
    ['a 10 KB name', 'x'.repeat(10 * 1024)],
  ])('%s → BAD_USER_INPUT', async (_label, name) => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const result = await client.request(CreateAppPasswordDocument, { input: { name } });
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await tenantWrites(tenant)).toEqual({ appPasswords: 0, auditEvents: 0 });
  });

  it('a 64-character name is accepted', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const result = await client.request(CreateAppPasswordDocument, { input: { name: 'é'.repeat(64) } });
    expect(result.data?.createAppPassword.appPassword.name).toBe('é'.repeat(64));
  });

  it.each([
    ['a malformed id', { id: 'not-an-id' }, 'BAD_USER_INPUT'],
    ['an SQL-looking id', { id: "1' OR '1'='1" }, 'BAD_USER_INPUT'],
    ['an id of the wrong type', { id: { nested: true } }, 'BAD_USER_INPUT'],
    ['a missing id', {}, 'BAD_USER_INPUT'],
    ['an unknown id', { id: '6f1c2b7a-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
  ])('deleting with %s → %s', async (_label, variables, code) => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 1);
    const client = await signedInClient(server, user);
    // Deliberately malformed variables: the server must refuse them.
    const result = await client.request(DeleteAppPasswordDocument, variables as { id: string });
    expect(GraphQLClient.code(result)).toBe(code);
    expect(await tenantWrites(tenant)).toEqual({ appPasswords: 1, auditEvents: 0 });
  });

  it.each([
    ['a number as the name', { input: { name: 42 } }],
    ['a list as the name', { input: { name: ['a'] } }],
    ['no input', {}],
    ['an unknown field', { input: { name: 'ok', secret: 'chosen-by-me' } }],
  ])('creating with %s → BAD_USER_INPUT', async (_label, variables) => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    // Deliberately malformed variables: the server must refuse them.
    const result = await client.request(CreateAppPasswordDocument, variables as { input: { name: string } });
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await tenantWrites(tenant)).toEqual({ appPasswords: 0, auditEvents: 0 });
  });
});
