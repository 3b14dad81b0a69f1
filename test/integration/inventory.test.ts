import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, dataOf, insertAppPassword, type AppPasswordRow } from '../support/admin.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient, queryText } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  AdminAppPasswordsDocument,
  type AdminAppPasswordsQuery,
  type AdminAppPasswordsQueryVariables,
  type AppPasswordFilter,
} from '@app-passwords/schema';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
/** A known time: `days` (and `hours`) after 1 January 2025. */
const at = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * 3600 * 1000);

interface Fixture extends Required<AppPasswordRow> {
  id: string;
  ownerId: string;
}

/**
 * Eight app passwords of two users with known times, ties included (two
 * created on day 2, two on day 5, two last used on day 10), three never used,
 * names with LIKE wildcards; and another tenant with look-alikes that must
 * never show.
 */
async function inventory() {
  const admin = await adminTenant(server);
  const first = await createUser(server.db, admin.tenant);
  const second = await createUser(server.db, admin.tenant);
  const spec: Array<[TestUser, AppPasswordRow]> = [
    [first, { name: 'Laptop 100%', createdAt: at(1), lastUsedAt: at(20), expiresAt: null }],
    [first, { name: 'Phone_1', createdAt: at(2), lastUsedAt: null, expiresAt: at(400) }],
    [second, { name: 'Phone11', createdAt: at(2), lastUsedAt: at(10), expiresAt: at(100) }],
    [second, { name: 'Tablet', createdAt: at(3), lastUsedAt: null, expiresAt: null }],
    [first, { name: 'laptop backup', createdAt: at(5), lastUsedAt: at(10), expiresAt: at(50) }],
    [second, { name: 'Printer', createdAt: at(5), lastUsedAt: at(30), expiresAt: null }],
    [first, { name: 'Watch', createdAt: at(8), lastUsedAt: null, expiresAt: at(200) }],
    [second, { name: 'TV', createdAt: at(9), lastUsedAt: at(40), expiresAt: at(60) }],
  ];
  const rows: Fixture[] = [];
  for (const [owner, row] of spec) {
    rows.push({ ...(row as Required<AppPasswordRow>), id: await insertAppPassword(server.db, owner, row), ownerId: owner.id });
  }
  const otherTenant = await createTenant(server.db);
  const stranger = await createUser(server.db, otherTenant);
  const strangerIds: string[] = [];
  for (const [, row] of spec) strangerIds.push(await insertAppPassword(server.db, stranger, row));
  return { ...admin, first, second, rows, stranger, strangerIds };
}

/** Every page of a listing, following endCursor. */
async function walk(console: GraphQLClient, variables: AdminAppPasswordsQueryVariables) {
  const nodes: any[] = [];
  const pages: any[] = [];
  let after: string | null | undefined;
  for (let page = 0; page < 100; page++) {
    const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, { ...variables, after }));
    pages.push(appPasswords);
    nodes.push(...appPasswords.edges.map((e) => e.node));
    if (!appPasswords.pageInfo.hasNextPage) return { nodes, pages };
    after = appPasswords.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

async function idsMatching(console: GraphQLClient, filter: AppPasswordFilter): Promise<string[]> {
  const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, { filter, first: 200 }));
  expect(appPasswords.totalCount).toBe(appPasswords.edges.length);
  return appPasswords.edges.map((e) => e.node.id).sort();
}

const ids = (rows: Fixture[]) => rows.map((r) => r.id).sort();
const iso = (date: Date) => date.toISOString();

type Order = { field: 'CREATED_AT' | 'LAST_USED_AT'; direction: 'ASC' | 'DESC' };
const ORDERS: Order[] = [
  { field: 'CREATED_AT', direction: 'ASC' },
  { field: 'CREATED_AT', direction: 'DESC' },
  { field: 'LAST_USED_AT', direction: 'ASC' },
  { field: 'LAST_USED_AT', direction: 'DESC' },
];

/** The order the API promises, computed here: the key (never used = oldest), then the id, both in the direction asked. */
function expectedOrder(rows: Fixture[], order: Order): string[] {
  const key = (r: Fixture) => (order.field === 'CREATED_AT' ? r.createdAt.getTime() : (r.lastUsedAt?.getTime() ?? -Infinity));
  const sign = order.direction === 'ASC' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))).map((r) => r.id);
}

describe('filters', () => {
  it('ownerIds: only those users’ app passwords; another tenant’s user matches nothing', async () => {
    const { console, first, second, rows, stranger } = await inventory();
    expect(await idsMatching(console, { ownerIds: [first.id] })).toEqual(ids(rows.filter((r) => r.ownerId === first.id)));
    expect(await idsMatching(console, { ownerIds: [first.id, second.id] })).toEqual(ids(rows));
    expect(await idsMatching(console, { ownerIds: [stranger.id] })).toEqual([]);
  });

  it('nameContains: any case, with % and _ matched literally', async () => {
    const { console, rows } = await inventory();
    const named = (...names: string[]) => ids(rows.filter((r) => names.includes(r.name)));
    expect(await idsMatching(console, { nameContains: 'LAPTOP' })).toEqual(named('Laptop 100%', 'laptop backup'));
    expect(await idsMatching(console, { nameContains: '%' })).toEqual(named('Laptop 100%'));
    expect(await idsMatching(console, { nameContains: '_' })).toEqual(named('Phone_1'));
    expect(await idsMatching(console, { nameContains: 'phone_1' })).toEqual(named('Phone_1'));
    expect(await idsMatching(console, { nameContains: '0%' })).toEqual(named('Laptop 100%'));
  });

  it('createdAfter and createdBefore, alone and together', async () => {
    const { console, rows } = await inventory();
    const created = (from: Date | null, to: Date | null) =>
      ids(rows.filter((r) => (!from || r.createdAt >= from) && (!to || r.createdAt < to)));
    expect(await idsMatching(console, { createdAfter: iso(at(2, 12)) })).toEqual(created(at(2, 12), null));
    expect(await idsMatching(console, { createdBefore: iso(at(4)) })).toEqual(created(null, at(4)));
    expect(await idsMatching(console, { createdAfter: iso(at(1, 12)), createdBefore: iso(at(6)) })).toEqual(created(at(1, 12), at(6)));
    expect(created(at(1, 12), at(6))).toHaveLength(5);
  });

  it('lastUsedBefore includes never-used app passwords unless includeNeverUsed is false', async () => {
    const { console, rows } = await inventory();
    const usedBefore = rows.filter((r) => r.lastUsedAt && r.lastUsedAt < at(25));
    const neverUsed = rows.filter((r) => !r.lastUsedAt);
    expect(usedBefore).toHaveLength(3);
    expect(await idsMatching(console, { lastUsedBefore: iso(at(25)) })).toEqual(ids([...usedBefore, ...neverUsed]));
    expect(await idsMatching(console, { lastUsedBefore: iso(at(25)), includeNeverUsed: true })).toEqual(ids([...usedBefore, ...neverUsed]));
    expect(await idsMatching(console, { lastUsedBefore: iso(at(25)), includeNeverUsed: false })).toEqual(ids(usedBefore));
  });

  it('neverUsed true and false', async () => {
    const { console, rows } = await inventory();
    expect(await idsMatching(console, { neverUsed: true })).toEqual(ids(rows.filter((r) => !r.lastUsedAt)));
    expect(await idsMatching(console, { neverUsed: false })).toEqual(ids(rows.filter((r) => r.lastUsedAt)));
  });

  it('expiresBefore never matches app passwords without expiry', async () => {
    const { console, rows } = await inventory();
    const expiring = rows.filter((r) => r.expiresAt && r.expiresAt < at(150));
    expect(expiring).toHaveLength(3);
    expect(await idsMatching(console, { expiresBefore: iso(at(150)) })).toEqual(ids(expiring));
  });

  it('combines conditions: all must hold', async () => {
    const { console, first, rows } = await inventory();
    expect(await idsMatching(console, { ownerIds: [first.id], neverUsed: true })).toEqual(
      ids(rows.filter((r) => r.ownerId === first.id && !r.lastUsedAt)),
    );
    expect(await idsMatching(console, { nameContains: 'phone', expiresBefore: iso(at(150)) })).toEqual(
      ids(rows.filter((r) => r.name === 'Phone11')),
    );
  });

  it('shows each app password with its times and owner as stored', async () => {
    const { console, rows, first, second } = await inventory();
    const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, { first: 200 }));
    const emails = new Map([
      [first.id, first.email],
      [second.id, second.email],
    ]);
    const shown = appPasswords.edges.map(({ node: { id, name, createdAt, lastUsedAt, expiresAt, owner } }) => ({
      id,
      name,
      createdAt,
      lastUsedAt,
      expiresAt,
      owner: { id: owner.id, email: owner.email },
    }));
    expect(shown.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      [...rows]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((r) => ({
          id: r.id,
          name: r.name,
          createdAt: iso(r.createdAt),
          lastUsedAt: r.lastUsedAt && iso(r.lastUsedAt),
          expiresAt: r.expiresAt && iso(r.expiresAt),
          owner: { id: r.ownerId, email: emails.get(r.ownerId) },
        })),
    );
  });
});

describe('order', () => {
  it('defaults to newest first', async () => {
    const { console, rows } = await inventory();
    const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, {}));
    expect(appPasswords.edges.map((e) => e.node.id)).toEqual(expectedOrder(rows, { field: 'CREATED_AT', direction: 'DESC' }));
  });

  it.each(ORDERS)('$field $direction in one page equals the order computed here, ties broken by id', async (order) => {
    const { console, rows } = await inventory();
    const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, { orderBy: order, first: 200 }));
    expect(appPasswords.edges.map((e) => e.node.id)).toEqual(expectedOrder(rows, order));
  });

  it.each(ORDERS.filter((o) => o.field === 'CREATED_AT'))(
    '$field $direction page by page (2 a page) equals the same order',
    async (order) => {
      const { console, rows } = await inventory();
      const { nodes, pages } = await walk(console, { orderBy: order, first: 2 });
      expect(nodes.map((n) => n.id)).toEqual(expectedOrder(rows, order));
      expect(pages).toHaveLength(4);
    },
  );

  // Regression: a page ending on a never-used app password once gave a cursor ('-infinity') that was refused.
  it.each(ORDERS.filter((o) => o.field === 'LAST_USED_AT'))(
    '$field $direction page by page (2 a page) equals the same order, across never-used app passwords',
    async (order) => {
      const { console, rows } = await inventory();
      const { nodes } = await walk(console, { orderBy: order, first: 2 });
      expect(nodes.map((n) => n.id)).toEqual(expectedOrder(rows, order));
    },
  );

  it('LAST_USED_AT pages fine while no page ends on a never-used app password', async () => {
    const { console, rows } = await inventory();
    const order: Order = { field: 'LAST_USED_AT', direction: 'DESC' };
    const { nodes } = await walk(console, { orderBy: order, filter: { neverUsed: false }, first: 2 });
    expect(nodes.map((n) => n.id)).toEqual(
      expectedOrder(
        rows.filter((r) => r.lastUsedAt),
        order,
      ),
    );
  });
});

describe('paging while rows are added', () => {
  it('sees every existing row exactly once and none twice when rows are inserted between pages', async () => {
    const { tenant, console } = await adminTenant(server);
    const owner = await createUser(server.db, tenant);
    const existing: string[] = [];
    // Pairs share a creation time, so the id decides within each pair.
    for (let i = 0; i < 20; i++)
      existing.push(await insertAppPassword(server.db, owner, { createdAt: new Date(T0 + Math.floor(i / 2) * 60_000) }));

    const seen: string[] = [];
    let after: string | null | undefined;
    let inserted: { past: string[]; future: string[] } | undefined;
    for (let page = 0; page < 20; page++) {
      const { appPasswords } = dataOf(
        await console.request(AdminAppPasswordsDocument, { orderBy: { field: 'CREATED_AT', direction: 'ASC' }, first: 5, after }),
      );
      seen.push(...appPasswords.edges.map((e) => e.node.id));
      if (page === 1) {
        const past: string[] = [];
        const future: string[] = [];
        for (let i = 0; i < 3; i++) {
          past.push(await insertAppPassword(server.db, owner, { createdAt: new Date(T0 - DAY) }));
          past.push(await insertAppPassword(server.db, owner, { createdAt: new Date(T0 + 60_000) })); // before the cursor
          future.push(await insertAppPassword(server.db, owner, { createdAt: new Date(T0 + 365 * DAY) }));
        }
        inserted = { past, future };
      }
      if (!appPasswords.pageInfo.hasNextPage) break;
      after = appPasswords.pageInfo.endCursor;
    }

    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen.filter((s) => s === id)).toHaveLength(1);
    // The existing rows in creation order, the id deciding within each pair; then the new ones from the future.
    const inOrder = existing.map((id, i) => ({ id, minute: Math.floor(i / 2) }));
    inOrder.sort((a, b) => a.minute - b.minute || (a.id < b.id ? -1 : 1));
    expect(seen.slice(0, 20)).toEqual(inOrder.map((r) => r.id));
    for (const id of inserted!.future) expect(seen).toContain(id);
    for (const id of inserted!.past) expect(seen).not.toContain(id);
  });
});

describe('totalCount', () => {
  it('counts every match exactly, whatever the page size or cursor, and says it is not an estimate', async () => {
    const { console, first, rows } = await inventory();
    const mine = rows.filter((r) => r.ownerId === first.id).length;

    const one = dataOf(await console.request(AdminAppPasswordsDocument, { filter: { ownerIds: [first.id] }, first: 1 })).appPasswords;
    expect(one).toMatchObject({ totalCount: mine, totalCountIsEstimate: false });
    const next = dataOf(
      await console.request(AdminAppPasswordsDocument, { filter: { ownerIds: [first.id] }, first: 1, after: one.pageInfo.endCursor }),
    ).appPasswords;
    expect(next).toMatchObject({ totalCount: mine, totalCountIsEstimate: false });
    const all = dataOf(await console.request(AdminAppPasswordsDocument, { first: 3 })).appPasswords;
    expect(all).toMatchObject({ totalCount: rows.length, totalCountIsEstimate: false });
  });
});

describe('bad input and other tenants', () => {
  it.each([
    ['first 0', { first: 0 }],
    ['first 201', { first: 201 }],
    ['first -1', { first: -1 }],
    ['a garbage cursor', { after: 'garbage' }],
    ['a cursor of the wrong shape', { after: Buffer.from('{"a":1}').toString('base64url') }],
    ['a cursor with a bad id', { after: Buffer.from('["2025-01-01T00:00:00Z","1 OR 1=1"]').toString('base64url') }],
    ['a cursor with a bad time', { after: Buffer.from('["yesterday","00000000-0000-0000-0000-000000000000"]').toString('base64url') }],
    ['a reversed created range', { filter: { createdAfter: iso(at(5)), createdBefore: iso(at(1)) } }],
    ['an invalid date', { filter: { createdAfter: 'not-a-date' } }],
    ['an impossible date', { filter: { lastUsedBefore: '2025-13-45T99:00:00Z' } }],
    ['an owner id that is not one', { filter: { ownerIds: ['nope'] } }],
    ['an unknown order', { orderBy: { field: 'NAME', direction: 'ASC' } }],
  ])('refuses %s with BAD_USER_INPUT', async (_what, variables) => {
    const { console } = await adminTenant(server);
    // The console's document with variables it never sends.
    const result = await console.request<AdminAppPasswordsQuery>(queryText(AdminAppPasswordsDocument), variables);
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(result.data?.appPasswords ?? null).toBeNull();
  });

  it("never shows another tenant's app passwords, in any order or filter", async () => {
    const { console, rows, strangerIds } = await inventory();
    for (const order of ORDERS) {
      const { nodes } = await walk(console, { orderBy: order, filter: { neverUsed: false }, first: 3 });
      for (const node of nodes) expect(strangerIds).not.toContain(node.id);
    }
    const { appPasswords } = dataOf(await console.request(AdminAppPasswordsDocument, { first: 200 }));
    expect(appPasswords.edges.map((e) => e.node.id).sort()).toEqual(ids(rows));
    expect(appPasswords.totalCount).toBe(rows.length);
    expect(await idsMatching(console, { nameContains: 'Laptop' })).toHaveLength(2);
  });

  it('is for admins only', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    await insertAppPassword(server.db, user);
    const console = await signedInClient(server, user);
    expect(GraphQLClient.code(await console.request(AdminAppPasswordsDocument))).toBe('FORBIDDEN');
  });
});
