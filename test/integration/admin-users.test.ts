import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, auditRows, createNamedUser, dataOf, documentationIp, insertAppPassword, uniqueTag } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { VIEWER_ID } from '../support/operations.js';
import { DisableUserDocument, EnableUserDocument, SignInDocument } from '@app-passwords/schema';

/** Inline: it asks each edge for its `cursor`, which the console's AdminUsers does not. */
const USERS = /* GraphQL */ `
  query ($filter: UserFilter, $first: Int, $after: String) {
    users(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          email
          displayName
          role
          status
          appPasswordCount
          lastAppPasswordUse
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
/** Trusts 127.0.0.1 as a proxy: each test's refused checks count against its own X-Forwarded-For address. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
});
afterAll(async () => {
  await server?.close();
});

async function statusOf(user: TestUser): Promise<string> {
  const [row] = await server.db.query('SELECT status FROM users WHERE id = $1', [user.id]);
  return row.status;
}

describe('the user list', () => {
  it('walks pages by sign-in name: every user once, sorted by lower(email), no duplicates, nobody from another tenant', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const tag = uniqueTag();
    // Distinct first letters in mixed case: any collation sorts these the same way.
    for (const name of ['Grace', 'alice', 'Bob', 'dave', 'Eve', 'frank', 'Carol']) {
      await createNamedUser(server.db, tenant, { email: `${name}.${tag}@example.test`, displayName: name });
    }
    await createUser(server.db, await createTenant(server.db));

    const seen: Array<{ id: string; email: string }> = [];
    const pageSizes: number[] = [];
    let after: string | undefined;
    for (;;) {
      const { users } = dataOf(await console.request(USERS, { first: 3, after }));
      pageSizes.push(users.edges.length);
      seen.push(...users.edges.map((e: any) => e.node));
      expect(users.pageInfo.endCursor).toBe(users.edges.at(-1)?.cursor ?? null);
      if (!users.pageInfo.hasNextPage) break;
      after = users.pageInfo.endCursor;
    }

    expect(pageSizes).toEqual([3, 3, 2]);
    const expected = [
      admin.email,
      ...['Grace', 'alice', 'Bob', 'dave', 'Eve', 'frank', 'Carol'].map((n) => `${n}.${tag}@example.test`),
    ].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1));
    expect(seen.map((u) => u.email)).toEqual(expected);
    expect(new Set(seen.map((u) => u.id)).size).toBe(8);
  });

  it('finds users by part of the sign-in name or display name, in any case', async () => {
    const { tenant, console } = await adminTenant(server);
    const tag = uniqueTag();
    const alice = await createNamedUser(server.db, tenant, { email: `alice.${tag}@example.test`, displayName: 'Alice Archer' });
    const bob = await createNamedUser(server.db, tenant, { email: `bob.${tag}@example.test`, displayName: 'Robert Xylander' });
    // Another tenant's user with the same words never shows.
    await createNamedUser(server.db, await createTenant(server.db), {
      email: `alice.other.${tag}@example.test`,
      displayName: 'Alice Xylander',
    });

    const search = async (text: string) =>
      dataOf(await console.request(USERS, { filter: { search: text } })).users.edges.map((e: any) => e.node.id);
    expect(await search(`ALICE.${tag}`)).toEqual([alice.id]);
    expect(await search('xylAND')).toEqual([bob.id]);
    expect((await search(tag)).sort()).toEqual([alice.id, bob.id].sort());
    // LIKE wildcards match literally.
    expect(await search('%')).toEqual([]);
    expect(await search(`alice_${tag}`)).toEqual([]);
  });

  it('shows how many app passwords each user has and when one was last used', async () => {
    const { tenant, console } = await adminTenant(server);
    const tag = uniqueTag();
    const busy = await createNamedUser(server.db, tenant, { email: `a-busy.${tag}@example.test`, displayName: 'Busy' });
    const idle = await createNamedUser(server.db, tenant, { email: `b-idle.${tag}@example.test`, displayName: 'Idle' });
    await insertAppPassword(server.db, busy, { lastUsedAt: new Date('2025-04-01T10:00:00.000Z') });
    await insertAppPassword(server.db, busy, { lastUsedAt: new Date('2025-06-15T08:30:00.000Z') });
    await insertAppPassword(server.db, busy, { lastUsedAt: null });

    const nodes = dataOf(await console.request(USERS, { filter: { search: tag } })).users.edges.map((e: any) => e.node);

    expect(nodes).toEqual([
      expect.objectContaining({ id: busy.id, appPasswordCount: 3, lastAppPasswordUse: '2025-06-15T08:30:00.000Z' }),
      expect.objectContaining({ id: idle.id, appPasswordCount: 0, lastAppPasswordUse: null }),
    ]);
  });

  it('refuses bad paging input with BAD_USER_INPUT', async () => {
    const { console } = await adminTenant(server);
    for (const variables of [
      { first: 0 },
      { first: 201 },
      { after: 'garbage' },
      { after: Buffer.from('["a","b"]').toString('base64url') },
    ]) {
      expect(GraphQLClient.code(await console.request(USERS, variables))).toBe('BAD_USER_INPUT');
    }
  });

  it('is for admins only', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const other = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    expect(GraphQLClient.code(await console.request(USERS))).toBe('FORBIDDEN');
    expect(GraphQLClient.code(await console.request(DisableUserDocument, { id: other.id }))).toBe('FORBIDDEN');
    expect(await statusOf(other)).toBe('ACTIVE');
  });
});

describe('disabling and enabling a user', () => {
  it("ends the user's sessions and refuses their app passwords at once; enabling lets them back in", async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const ip = documentationIp();
    const check = async () => (await checkBasic(server, basic(user.email, appPassword.password), { ip })).status;
    expect(await check()).toBe(204);
    expect(await check()).toBe(204); // remembered: the refusal must not depend on a cold check
    expect(dataOf(await appPassword.console.request(VIEWER_ID)).viewer).toEqual({ id: user.id });

    const disabled = dataOf(await console.request(DisableUserDocument, { id: user.id }));

    expect(disabled.disableUser).toMatchObject({ id: user.id, status: 'DISABLED' });
    expect(dataOf(await appPassword.console.request(VIEWER_ID)).viewer).toBeNull();
    expect(await check()).toBe(401);
    const signIn = await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(GraphQLClient.code(signIn)).toBe('UNAUTHENTICATED');

    const enabled = dataOf(await console.request(EnableUserDocument, { id: user.id }));

    expect(enabled.enableUser).toMatchObject({ id: user.id, status: 'ACTIVE' });
    expect(await check()).toBe(204);
    const again = await signedInClient(server, user);
    expect(dataOf(await again.request(VIEWER_ID)).viewer).toEqual({ id: user.id });

    const events = (await auditRows(server.db, tenant.id)).filter((e) => e.action.startsWith('user.'));
    expect(events).toEqual([
      expect.objectContaining({ action: 'user.disabled', actor_type: 'user', actor_user_id: admin.id, target_user_id: user.id }),
      expect.objectContaining({ action: 'user.enabled', actor_type: 'user', actor_user_id: admin.id, target_user_id: user.id }),
    ]);
  });

  it('refuses to disable yourself with BAD_USER_INPUT', async () => {
    const { tenant, admin, console } = await adminTenant(server);

    expect(GraphQLClient.code(await console.request(DisableUserDocument, { id: admin.id }))).toBe('BAD_USER_INPUT');

    expect(await statusOf(admin)).toBe('ACTIVE');
    expect(dataOf(await console.request(VIEWER_ID)).viewer).toEqual({ id: admin.id });
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });

  it("answers NOT_FOUND for another tenant's user and changes nothing", async () => {
    const { tenant, console } = await adminTenant(server);
    const otherTenant = await createTenant(server.db);
    const stranger = await createAdmin(server, otherTenant);
    const strangerConsole = await signedInClient(server, stranger);

    expect(GraphQLClient.code(await console.request(DisableUserDocument, { id: stranger.id }))).toBe('NOT_FOUND');

    expect(await statusOf(stranger)).toBe('ACTIVE');
    expect(dataOf(await strangerConsole.request(VIEWER_ID)).viewer).toEqual({ id: stranger.id });

    await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [stranger.id]);
    expect(GraphQLClient.code(await console.request(EnableUserDocument, { id: stranger.id }))).toBe('NOT_FOUND');
    expect(await statusOf(stranger)).toBe('DISABLED');

    expect(await auditRows(server.db, tenant.id)).toEqual([]);
    expect(await auditRows(server.db, otherTenant.id)).toEqual([]);
  });

  it('answers BAD_USER_INPUT for an id that is not one', async () => {
    const { tenant, console } = await adminTenant(server);
    expect(GraphQLClient.code(await console.request(DisableUserDocument, { id: 'not-a-uuid' }))).toBe('BAD_USER_INPUT');
    expect(GraphQLClient.code(await console.request(EnableUserDocument, { id: "1' OR '1'='1" }))).toBe('BAD_USER_INPUT');
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });
});
