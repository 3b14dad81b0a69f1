import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, appPasswordIds, auditRows, dataOf, documentationIp, insertAppPassword } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, type CreatedAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { RevokeAppPasswordsDocument } from '@app-passwords/schema';
/** Trusts 127.0.0.1 as a proxy: each test's refused checks count against its own X-Forwarded-For address. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
});
afterAll(async () => {
  await server?.close();
});

const DAY = 24 * 3600 * 1000;
const REASON = 'Laptop stolen, ticket #42';

/** A real app password and a check of it at /auth/basic from this test's own address. */
function checker(user: TestUser, appPassword: CreatedAppPassword) {
  const ip = documentationIp();
  return async () => (await checkBasic(server, basic(user.email, appPassword.password), { ip })).status;
}

/** Checks twice and confirms the second check was answered from the cache of good sign-ins. */
async function expectWorkingAndWarm(check: () => Promise<number>) {
  expect(await check()).toBe(204);
  const hits = server.app.services.appPasswordSignIn.stats.cacheHits;
  expect(await check()).toBe(204);
  expect(server.app.services.appPasswordSignIn.stats.cacheHits).toBe(hits + 1);
}

/** What a refused or dry-run request must leave as it was. */
async function snapshot(tenant: TestTenant) {
  return { appPasswords: await appPasswordIds(server.db, tenant.id), audit: (await auditRows(server.db, tenant.id)).map((e) => e.id) };
}

describe('revoking', () => {
  it('by ids: only those, at once (even when remembered), one audit event each with the admin and the reason', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const first = await createAppPassword(server, user, { name: 'Laptop' });
    const second = await createAppPassword(server, user, { name: 'Phone', console: first.console });
    const kept = await createAppPassword(server, user, { name: 'Tablet', console: first.console });
    const checks = [checker(user, first), checker(user, second), checker(user, kept)];
    for (const check of checks) await expectWorkingAndWarm(check);

    const result = await console.request(RevokeAppPasswordsDocument, {
      input: { ids: [first.id, second.id.toUpperCase()], reason: REASON },
    });

    expect(dataOf(result).revokeAppPasswords).toEqual({ count: 2, dryRun: false });
    expect(await checks[0]!()).toBe(401);
    expect(await checks[1]!()).toBe(401);
    expect(await checks[2]!()).toBe(204);
    expect(await appPasswordIds(server.db, tenant.id)).toEqual([kept.id]);
    const events = await auditRows(server.db, tenant.id, 'app_password.revoked');
    expect(events.sort((a, b) => a.app_password_name!.localeCompare(b.app_password_name!))).toEqual([
      expect.objectContaining({
        actor_type: 'user',
        actor_user_id: admin.id,
        target_user_id: user.id,
        app_password_id: first.id,
        app_password_name: 'Laptop',
        details: { reason: REASON },
      }),
      expect.objectContaining({
        actor_type: 'user',
        actor_user_id: admin.id,
        target_user_id: user.id,
        app_password_id: second.id,
        app_password_name: 'Phone',
        details: { reason: REASON },
      }),
    ]);
  });

  it('by userIds: every app password of those users, nobody else’s', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const leaver = await createUser(server.db, tenant);
    const mover = await createUser(server.db, tenant);
    const stayer = await createUser(server.db, tenant);
    const real = await createAppPassword(server, leaver);
    const check = checker(leaver, real);
    await expectWorkingAndWarm(check);
    const leaverRows = await insertAppPasswords(server.db, leaver, 2);
    const moverRows = await insertAppPasswords(server.db, mover, 3);
    const stayerRows = await insertAppPasswords(server.db, stayer, 2);

    const result = await console.request(RevokeAppPasswordsDocument, { input: { userIds: [leaver.id, mover.id], reason: REASON } });

    expect(dataOf(result).revokeAppPasswords).toEqual({ count: 6, dryRun: false });
    expect(await check()).toBe(401);
    expect(await appPasswordIds(server.db, tenant.id)).toEqual([...stayerRows].sort());
    const events = await auditRows(server.db, tenant.id, 'app_password.revoked');
    expect(events.map((e) => e.app_password_id).sort()).toEqual([real.id, ...leaverRows, ...moverRows].sort());
    for (const event of events) expect(event).toMatchObject({ actor_user_id: admin.id, details: { reason: REASON } });
  });

  it('by filter: not used for 90 days, never-used ones included unless excluded', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const real = await createAppPassword(server, user); // never used through the API: its last use is set below
    const check = checker(user, real);
    await expectWorkingAndWarm(check);
    await server.db.query(`UPDATE app_passwords SET last_used_at = now() - interval '100 days' WHERE id = $1`, [real.id]);
    const stale = await insertAppPassword(server.db, user, { lastUsedAt: new Date(Date.now() - 120 * DAY) });
    const recent = await insertAppPassword(server.db, user, { lastUsedAt: new Date(Date.now() - 10 * DAY) });
    const never = await insertAppPassword(server.db, user, { lastUsedAt: null });
    const other = await createTenant(server.db);
    const foreignStale = await insertAppPassword(server.db, await createUser(server.db, other), {
      lastUsedAt: new Date(Date.now() - 120 * DAY),
    });
    const lastUsedBefore = new Date(Date.now() - 90 * DAY).toISOString();

    const onlyUsed = await console.request(RevokeAppPasswordsDocument, {
      input: { filter: { lastUsedBefore, includeNeverUsed: false }, reason: REASON, dryRun: true },
    });
    expect(dataOf(onlyUsed).revokeAppPasswords).toEqual({ count: 2, dryRun: true });

    const result = await console.request(RevokeAppPasswordsDocument, { input: { filter: { lastUsedBefore }, reason: REASON } });

    expect(dataOf(result).revokeAppPasswords).toEqual({ count: 3, dryRun: false });
    expect(await check()).toBe(401);
    expect(await appPasswordIds(server.db, tenant.id)).toEqual([recent]);
    expect((await auditRows(server.db, tenant.id, 'app_password.revoked')).map((e) => e.app_password_id).sort()).toEqual(
      [real.id, stale, never].sort(),
    );
    expect(await appPasswordIds(server.db, other.id)).toEqual([foreignStale]);
  });

  it('dryRun counts what would go and changes nothing, in every mode', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const real = await createAppPassword(server, user);
    const check = checker(user, real);
    await expectWorkingAndWarm(check);
    const rows = await insertAppPasswords(server.db, user, 4);
    const before = await snapshot(tenant);

    const byIds = await console.request(RevokeAppPasswordsDocument, { input: { ids: [real.id, rows[0]!], reason: REASON, dryRun: true } });
    const byUsers = await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id], reason: REASON, dryRun: true } });
    const byFilter = await console.request(RevokeAppPasswordsDocument, {
      input: { filter: { neverUsed: true }, reason: REASON, dryRun: true },
    });

    expect(dataOf(byIds).revokeAppPasswords).toEqual({ count: 2, dryRun: true });
    expect(dataOf(byUsers).revokeAppPasswords).toEqual({ count: 5, dryRun: true });
    expect(dataOf(byFilter).revokeAppPasswords.count).toBe(4); // the real one was used by the checks
    expect(await snapshot(tenant)).toEqual(before);
    expect(await check()).toBe(204);
  });
});

describe('all or nothing', () => {
  async function tenantWithRows() {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const real = await createAppPassword(server, user);
    const check = checker(user, real);
    await expectWorkingAndWarm(check);
    const rows = await insertAppPasswords(server.db, user, 2);
    const other = await createTenant(server.db);
    const stranger = await createUser(server.db, other);
    const foreign = await insertAppPasswords(server.db, stranger, 1);
    return { ...admin, user, real, check, rows, other, stranger, foreign };
  }

  it('an unknown id among valid ones: NOT_FOUND and nothing revoked (also in a dry run)', async () => {
    const { tenant, console, real, rows, check } = await tenantWithRows();
    const before = await snapshot(tenant);

    for (const dryRun of [false, true]) {
      const result = await console.request(RevokeAppPasswordsDocument, {
        input: { ids: [real.id, ...rows, randomUUID()], reason: REASON, dryRun },
      });
      expect(GraphQLClient.code(result)).toBe('NOT_FOUND');
    }

    expect(await snapshot(tenant)).toEqual(before);
    expect(await check()).toBe(204);
  });

  it("another tenant's id among valid ones: NOT_FOUND and nothing revoked, in either tenant", async () => {
    const { tenant, console, real, rows, check, other, foreign, stranger } = await tenantWithRows();
    const before = await snapshot(tenant);
    const otherBefore = await snapshot(other);

    const byId = await console.request(RevokeAppPasswordsDocument, { input: { ids: [real.id, ...rows, ...foreign], reason: REASON } });
    const byUser = await console.request(RevokeAppPasswordsDocument, { input: { userIds: [stranger.id], reason: REASON } });

    expect(GraphQLClient.code(byId)).toBe('NOT_FOUND');
    expect(GraphQLClient.code(byUser)).toBe('NOT_FOUND');
    expect(await snapshot(tenant)).toEqual(before);
    expect(await snapshot(other)).toEqual(otherBefore);
    expect(await check()).toBe(204);
  });

  it('a filter never reaches another tenant', async () => {
    const { tenant, console, other } = await tenantWithRows();
    const otherBefore = await snapshot(other);

    const result = await console.request(RevokeAppPasswordsDocument, { input: { filter: {}, reason: REASON } });

    expect(dataOf(result).revokeAppPasswords.count).toBe(3);
    expect(await appPasswordIds(server.db, tenant.id)).toEqual([]);
    expect(await snapshot(other)).toEqual(otherBefore);
  });
});

describe('bad input', () => {
  it.each([
    ['none of ids, userIds or filter', (_: string[], __: string) => ({})],
    ['ids and userIds', (ids: string[], userId: string) => ({ ids, userIds: [userId] })],
    ['ids and filter', (ids: string[]) => ({ ids, filter: { neverUsed: true } })],
    ['userIds and filter', (_: string[], userId: string) => ({ userIds: [userId], filter: {} })],
    ['an empty ids list', () => ({ ids: [] })],
    ['an empty userIds list', () => ({ userIds: [] })],
    ['an id that is not one', (ids: string[]) => ({ ids: [...ids, 'nope'] })],
    ['a reversed created range', () => ({ filter: { createdAfter: '2025-02-01T00:00:00Z', createdBefore: '2025-01-01T00:00:00Z' } })],
  ])('refuses %s with BAD_USER_INPUT and revokes nothing', async (_what, input) => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const ids = await insertAppPasswords(server.db, user, 2);
    const before = await snapshot(tenant);

    const result = await console.request(RevokeAppPasswordsDocument, { input: { ...input(ids, user.id), reason: REASON } });

    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await snapshot(tenant)).toEqual(before);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['longer than 500 characters', 'x'.repeat(501)],
  ])('refuses a reason that is %s', async (_what, reason) => {
    const { tenant, console } = await adminTenant(server);
    const ids = await insertAppPasswords(server.db, await createUser(server.db, tenant), 1);
    const before = await snapshot(tenant);

    expect(GraphQLClient.code(await console.request(RevokeAppPasswordsDocument, { input: { ids, reason } }))).toBe('BAD_USER_INPUT');
    expect(await snapshot(tenant)).toEqual(before);
  });

  it('refuses 10 001 ids or user ids with BAD_USER_INPUT and revokes nothing', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const ids = await insertAppPasswords(server.db, user, 1);
    const before = await snapshot(tenant);
    const many = [...ids, ...Array.from({ length: 10_000 }, () => randomUUID())];

    expect(GraphQLClient.code(await console.request(RevokeAppPasswordsDocument, { input: { ids: many, reason: REASON } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      GraphQLClient.code(
        await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id, ...many.slice(1)], reason: REASON } }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(await snapshot(tenant)).toEqual(before);
  });

  // Regression: a 100 kB body limit once made the documented 10 000 ids unreachable.
  it('accepts the documented maximum of 10 000 ids (unknown ones: NOT_FOUND, not "too large")', async () => {
    const { tenant, console } = await adminTenant(server);
    const ids = await insertAppPasswords(server.db, await createUser(server.db, tenant), 1);
    const many = [...ids, ...Array.from({ length: 9_999 }, () => randomUUID())];

    const result = await console.request(RevokeAppPasswordsDocument, { input: { ids: many, reason: REASON } });

    expect(result.status).toBe(200);
    expect(GraphQLClient.code(result)).toBe('NOT_FOUND');
  });

  it('is for admins only', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const ids = await insertAppPasswords(server.db, user, 1);
    const console = await signedInClient(server, user);

    expect(GraphQLClient.code(await console.request(RevokeAppPasswordsDocument, { input: { ids, reason: REASON } }))).toBe('FORBIDDEN');
    expect(await appPasswordIds(server.db, tenant.id)).toEqual(ids);
  });
});
