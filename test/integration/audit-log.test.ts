import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, auditRows, createNamedUser, dataOf, documentationIp, getWith, uniqueTag } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, randomSecret } from '../support/app-passwords.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  type ApiScope,
  CreateApiTokenDocument,
  DisableUserDocument,
  EnableUserDocument,
  RevokeAppPasswordsDocument,
  SignInActivityDocument,
  UpdateTenantPolicyDocument,
} from '@app-passwords/schema';

// Inline: the deprecated auditEvents and signInEvents, still answered for integrations, with ids the console's
// AuditEntries and SignInEntries do not ask for.
const AUDIT_EVENTS = /* GraphQL */ `
  query ($filter: AuditFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          occurredAt
          action
          actorType
          actorUserId
          actorEmail
          targetUserId
          targetEmail
          appPasswordId
          details
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
const SIGN_IN_EVENTS = /* GraphQL */ `
  query ($filter: SignInFilter, $first: Int, $after: String) {
    signInEvents(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          occurredAt
          outcome
          method
          signInName
          userId
          appPasswordId
          appPasswordName
          clientIp
          attempts
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
// Inline: without arguments, for the defaults; the console's SignInActivity always gives both.
const SIGN_IN_ACTIVITY_DEFAULTS = /* GraphQL */ `
  query {
    signInActivity {
      date
      succeeded
      failed
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

const AUDIT_COLUMNS = [
  'id',
  'occurredAt',
  'action',
  'actorType',
  'actorUserId',
  'actorEmail',
  'actorApiTokenId',
  'targetUserId',
  'targetEmail',
  'appPasswordId',
  'appPasswordName',
  'clientIp',
  'userAgent',
  'details',
];
const SIGN_IN_COLUMNS = [
  'id',
  'occurredAt',
  'outcome',
  'method',
  'signInName',
  'userId',
  'appPasswordId',
  'appPasswordName',
  'clientIp',
  'userAgent',
  'attempts',
  'service',
];

/**
 * RFC 4180, strictly: records end in CRLF, fields are separated by commas,
 * a field with a comma, quote or line break is quoted and its quotes doubled.
 * Throws on anything else (a bare LF, a quote inside an unquoted field).
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else {
        quoted = false;
        if (i + 1 < text.length && text[i + 1] !== ',' && text[i + 1] !== '\r') throw new Error(`text after a closing quote at ${i}`);
      }
    } else if (c === '"') {
      if (!atFieldStart) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      atFieldStart = false;
    } else if (c === ',') {
      record.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (quoted) throw new Error('an unterminated quote');
  if (field !== '' || record.length > 0) throw new Error('the last record does not end in CRLF');
  return records;
}

/** A parsed export as objects by column name, after checking the header row. */
function csvObjects(text: string, columns: string[]): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual(columns);
  return rows.map((row) => {
    expect(row).toHaveLength(columns.length);
    return Object.fromEntries(columns.map((c, i) => [c, row[i]!]));
  });
}

/** Inserts an audit event as the server would (INSERT is all the table allows), with a chosen time. */
async function insertAuditEvent(
  tenant: TestTenant,
  fields: { action: string; occurredAt: string; appPasswordName?: string; actorUserId?: string },
): Promise<string> {
  const [{ id }] = await server.db.query(
    `INSERT INTO audit_events (tenant_id, occurred_at, action, actor_type, actor_user_id, app_password_name)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6) RETURNING id::text`,
    [
      tenant.id,
      fields.occurredAt,
      fields.action,
      fields.actorUserId ? 'user' : 'system',
      fields.actorUserId ?? null,
      fields.appPasswordName ?? null,
    ],
  );
  return id;
}

/** Every page of auditEvents with `first` a page, following endCursor. */
async function walkAudit(console: GraphQLClient, filter: Record<string, unknown>, first: number): Promise<any[]> {
  const nodes: any[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const { auditEvents } = dataOf(await console.request(AUDIT_EVENTS, { filter, first, after }));
    nodes.push(...auditEvents.edges.map((e: any) => e.node));
    if (!auditEvents.pageInfo.hasNextPage) return nodes;
    after = auditEvents.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

/** A tenant whose trail has real events from several actors, plus three old ones at known times. */
async function tenantWithHistory() {
  const admin = await adminTenant(server);
  const user = await createUser(server.db, admin.tenant);
  dataOf(await admin.console.request(DisableUserDocument, { id: user.id }));
  dataOf(await admin.console.request(EnableUserDocument, { id: user.id }));
  dataOf(await admin.console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 20 } }));
  const appPassword = await createAppPassword(server, user);
  const old = {
    january: await insertAuditEvent(admin.tenant, { action: 'test.old', occurredAt: '2025-01-01T00:00:00Z' }),
    february: await insertAuditEvent(admin.tenant, { action: 'test.old', occurredAt: '2025-02-01T00:00:00Z' }),
    march: await insertAuditEvent(admin.tenant, { action: 'test.old', occurredAt: '2025-03-01T00:00:00Z' }),
  };
  return { ...admin, user, appPassword, old };
}

describe('auditEvents', () => {
  it('auditEntries gives action, actor type and details as enums and a JSON object, the same as the deprecated strings', async () => {
    const { console } = await tenantWithHistory();
    const ENTRIES = /* GraphQL */ `
      query ($filter: AuditFilter) {
        auditEntries(filter: $filter, first: 200) {
          edges {
            node {
              id
              action
              actionKind
              actorType
              actorKind
              details
              detailsObject
            }
          }
        }
      }
    `;
    const nodes = async (filter: Record<string, unknown>) =>
      dataOf(await console.request(ENTRIES, { filter })).auditEntries.edges.map((e: any) => e.node);

    const [disabled] = await nodes({ actionKind: 'USER_DISABLED' });
    expect(disabled).toMatchObject({ action: 'user.disabled', actionKind: 'USER_DISABLED', actorType: 'user', actorKind: 'USER' });
    const [policy] = await nodes({ actionKind: 'TENANT_POLICY_UPDATED' });
    expect(policy.detailsObject).toEqual(JSON.parse(policy.details));
    expect(policy.detailsObject).toMatchObject({ before: expect.any(Object), after: expect.any(Object) });
    const created = await nodes({ actionKind: 'APP_PASSWORD_CREATED' });
    expect(created.map((n: any) => n.actorKind)).toEqual(['USER']);
    // Both filters given: both must hold.
    expect(await nodes({ actionKind: 'USER_ENABLED', action: 'user.enabled' })).toHaveLength(1);
    expect(await nodes({ actionKind: 'USER_ENABLED', action: 'user.disabled' })).toEqual([]);
  });

  it('lists the tenant’s events newest first, the same in pages of 2 as in one page', async () => {
    const { tenant, console } = await tenantWithHistory();

    const all = dataOf(await console.request(AUDIT_EVENTS, { first: 200 })).auditEvents.edges.map((e: any) => e.node);
    const stored: Array<{ id: string }> = await server.db.query(
      'SELECT id::text FROM audit_events WHERE tenant_id = $1 ORDER BY occurred_at DESC, id DESC',
      [tenant.id],
    );
    expect(all.map((n: any) => n.id)).toEqual(stored.map((r) => r.id));
    expect(all.map((n: any) => n.action)).toEqual([
      'app_password.created',
      'tenant_policy.updated',
      'user.enabled',
      'user.disabled',
      'test.old',
      'test.old',
      'test.old',
    ]);
    expect((await walkAudit(console, {}, 2)).map((n) => n.id)).toEqual(all.map((n: any) => n.id));
  });

  it('filters by action, actor, target and time (from inclusive, to exclusive)', async () => {
    const { console, admin, user, old } = await tenantWithHistory();
    const actions = async (filter: Record<string, unknown>) =>
      dataOf(await console.request(AUDIT_EVENTS, { filter, first: 200 })).auditEvents.edges.map((e: any) => e.node);

    expect((await actions({ action: 'user.disabled' })).map((n: any) => [n.action, n.actorUserId, n.targetUserId])).toEqual([
      ['user.disabled', admin.id, user.id],
    ]);
    expect((await actions({ actorUserId: admin.id })).map((n: any) => n.action)).toEqual([
      'tenant_policy.updated',
      'user.enabled',
      'user.disabled',
    ]);
    expect((await actions({ actorUserId: user.id })).map((n: any) => n.action)).toEqual(['app_password.created']);
    expect((await actions({ targetUserId: user.id })).map((n: any) => n.action)).toEqual([
      'app_password.created',
      'user.enabled',
      'user.disabled',
    ]);
    const ids = async (filter: Record<string, unknown>) => (await actions(filter)).map((n: any) => n.id);
    expect(await ids({ from: '2025-02-01T00:00:00Z', to: '2025-03-01T00:00:00Z' })).toEqual([old.february]);
    expect(await ids({ to: '2025-03-01T00:00:01Z' })).toEqual([old.march, old.february, old.january]);
    expect(await ids({ action: 'test.old', from: '2025-01-15T00:00:00Z' })).toEqual([old.march, old.february]);
    expect(await ids({ action: 'test.old', actorUserId: admin.id })).toEqual([]);
  });

  // Regression: cursors once kept only milliseconds, skipping events of the same millisecond.
  it('pages through events that share a time (one transaction) without skipping any', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 5);
    dataOf(await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id], reason: 'Left the company' } }));
    // The same case with a time chosen here, so it never depends on where now() falls in its millisecond.
    for (let i = 0; i < 5; i++) await insertAuditEvent(tenant, { action: 'test.batch', occurredAt: '2025-05-05T10:00:00.123456Z' });

    const revoked = await walkAudit(console, { action: 'app_password.revoked' }, 2);
    const batch = await walkAudit(console, { action: 'test.batch' }, 2);

    expect(revoked).toHaveLength(5);
    expect(batch).toHaveLength(5);
  });

  it('refuses a reversed range, a bad cursor and bad ids with BAD_USER_INPUT', async () => {
    const { console } = await adminTenant(server);
    for (const variables of [
      { filter: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } },
      { filter: { from: 'yesterday' } },
      { filter: { actorUserId: 'nope' } },
      { after: 'garbage' },
      { after: Buffer.from('["2025-01-01T00:00:00Z","1 OR 1=1"]').toString('base64url') },
      { first: 0 },
      { first: 201 },
    ]) {
      expect(GraphQLClient.code(await console.request(AUDIT_EVENTS, variables))).toBe('BAD_USER_INPUT');
    }
    expect(
      GraphQLClient.code(await console.request(SIGN_IN_EVENTS, { filter: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } })),
    ).toBe('BAD_USER_INPUT');
  });

  it("never shows another tenant's events", async () => {
    const mine = await tenantWithHistory();
    const theirs = await tenantWithHistory();

    const nodes = await walkAudit(mine.console, {}, 50);
    const theirIds = (await auditRows(server.db, theirs.tenant.id)).map((e) => e.id);
    expect(nodes).toHaveLength((await auditRows(server.db, mine.tenant.id)).length);
    for (const node of nodes) expect(theirIds).not.toContain(node.id);
    expect(await walkAudit(mine.console, { actorUserId: theirs.admin.id }, 50)).toEqual([]);
    expect(await walkAudit(mine.console, { targetUserId: theirs.user.id }, 50)).toEqual([]);
  });

  it('is for admins only', async () => {
    const tenant = await createTenant(server.db);
    const console = await signedInClient(server, await createUser(server.db, tenant));
    expect(GraphQLClient.code(await console.request(AUDIT_EVENTS))).toBe('FORBIDDEN');
    expect(GraphQLClient.code(await console.request(SIGN_IN_EVENTS))).toBe('FORBIDDEN');
  });
});

describe('signInEvents', () => {
  /** Checks at /auth/basic from this test's own address: two good, one wrong secret; and one for another user and tenant. */
  async function tenantWithSignIns() {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const laptop = await createAppPassword(server, user, { name: 'Laptop' });
    const phone = await createAppPassword(server, user, { name: 'Phone', console: laptop.console });
    const ip = documentationIp();
    expect((await checkBasic(server, basic(user.email, laptop.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, phone.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(401);
    const colleague = await createUser(server.db, admin.tenant);
    const colleagues = await createAppPassword(server, colleague);
    expect((await checkBasic(server, basic(colleague.email, colleagues.password), { ip })).status).toBe(204);
    const other = await createTenant(server.db);
    const stranger = await createUser(server.db, other);
    const strangers = await createAppPassword(server, stranger);
    expect((await checkBasic(server, basic(stranger.email, strangers.password), { ip })).status).toBe(204);
    await server.app.services.signInLog.flush();
    return { ...admin, user, laptop, phone, colleague, colleagues, stranger, strangers, ip };
  }

  it('lists the tenant’s sign-ins newest first, filtered by outcome, user and app password', async () => {
    const { console, user, laptop, phone, colleague, colleagues, stranger, ip } = await tenantWithSignIns();
    // App-password checks only: the console sign-ins that set the tenant up are in the log too (see "console sign-ins").
    const list = async (filter?: Record<string, unknown>) =>
      dataOf(await console.request(SIGN_IN_EVENTS, { filter: { method: 'APP_PASSWORD', ...filter }, first: 200 })).signInEvents.edges.map(
        (e: any) => e.node,
      );

    const all = await list();
    expect(all.map((n: any) => [n.outcome, n.userId, n.appPasswordId])).toEqual([
      ['SUCCESS', colleague.id, colleagues.id],
      ['WRONG_PASSWORD', user.id, null],
      ['SUCCESS', user.id, phone.id],
      ['SUCCESS', user.id, laptop.id],
    ]);
    expect(all.every((n: any) => n.clientIp === ip)).toBe(true);
    expect(all[1].signInName).toBe(user.email);
    expect((await list({ outcome: 'SUCCESS' })).map((n: any) => n.appPasswordId)).toEqual([colleagues.id, phone.id, laptop.id]);
    expect((await list({ outcome: 'WRONG_PASSWORD' })).map((n: any) => n.userId)).toEqual([user.id]);
    expect((await list({ userId: user.id })).map((n: any) => n.outcome)).toEqual(['WRONG_PASSWORD', 'SUCCESS', 'SUCCESS']);
    expect((await list({ appPasswordId: laptop.id })).map((n: any) => n.outcome)).toEqual(['SUCCESS']);
    expect((await list({ userId: user.id, outcome: 'SUCCESS' })).map((n: any) => n.appPasswordId)).toEqual([phone.id, laptop.id]);
    expect(await list({ userId: stranger.id })).toEqual([]);
  });

  it('pages through sign-ins with the cursor', async () => {
    const { console } = await tenantWithSignIns();
    const all = dataOf(await console.request(SIGN_IN_EVENTS, { first: 200 })).signInEvents.edges.map((e: any) => e.node.id);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { signInEvents } = dataOf(await console.request(SIGN_IN_EVENTS, { first: 1, after }));
      paged.push(...signInEvents.edges.map((e: any) => e.node.id));
      if (!signInEvents.pageInfo.hasNextPage) break;
      after = signInEvents.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it("never shows another tenant's sign-ins", async () => {
    const { console, stranger, strangers } = await tenantWithSignIns();
    const all = dataOf(await console.request(SIGN_IN_EVENTS, { first: 200 })).signInEvents.edges.map((e: any) => e.node);
    expect(all.some((n: any) => n.userId === stranger.id || n.appPasswordId === strangers.id)).toBe(false);
    const byAppPassword = await console.request(SIGN_IN_EVENTS, { filter: { appPasswordId: strangers.id } });
    expect(dataOf(byAppPassword).signInEvents.edges).toEqual([]);
  });
});

describe('repeated sign-ins', () => {
  it('logs an app reconnecting in a loop as one entry with its number of attempts, not one per request', async () => {
    const { console, tenant } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const laptop = await createAppPassword(server, user);
    const ip = documentationIp();
    await server.app.services.signInLog.flush();
    for (let i = 0; i < 30; i++) expect((await checkBasic(server, basic(user.email, laptop.password), { ip })).status).toBe(204);
    await server.app.services.signInLog.flush();

    const nodes = dataOf(
      await console.request(SIGN_IN_EVENTS, { filter: { userId: user.id, method: 'APP_PASSWORD' } }),
    ).signInEvents.edges.map((e: any) => e.node);
    // Written once a second: a write may fall in the middle of the 30, splitting them in two entries.
    expect(nodes.length).toBeLessThanOrEqual(2);
    expect(nodes.every((n: any) => n.outcome === 'SUCCESS' && n.appPasswordId === laptop.id && n.clientIp === ip)).toBe(true);
    expect(nodes.reduce((sum: number, n: any) => sum + n.attempts, 0)).toBe(30);
  });
});

describe('signInActivity', () => {
  /** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
  const dayIn = (instant: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(instant);

  async function insertSignIn(tenant: TestTenant, occurredAt: Date, outcome: string, attempts = 1): Promise<void> {
    await server.db.query(
      `INSERT INTO sign_in_events (tenant_id, occurred_at, sign_in_name, outcome, attempts) VALUES ($1, $2, 'someone@example.test', $3, $4)`,
      [tenant.id, occurredAt, outcome, attempts],
    );
  }

  it("counts attempts per day, in the admin's time zone, with empty days as zeros and nothing of another tenant", async () => {
    const { tenant, console } = await adminTenant(server);
    const other = await createTenant(server.db);
    const now = Date.now();
    const hoursAgo = (hours: number) => new Date(now - hours * 3600_000);
    await insertSignIn(tenant, hoursAgo(0.1), 'SUCCESS', 3);
    await insertSignIn(tenant, hoursAgo(0.1), 'WRONG_PASSWORD', 2);
    await insertSignIn(tenant, hoursAgo(0.2), 'THROTTLED');
    await insertSignIn(tenant, hoursAgo(48), 'SUCCESS');
    await insertSignIn(tenant, hoursAgo(24 * 45), 'SUCCESS', 100); // before the 30 days
    await insertSignIn(other, hoursAgo(0.1), 'SUCCESS', 7);

    for (const timeZone of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
      const days = dataOf(await console.request(SignInActivityDocument, { days: 30, timeZone })).signInActivity;
      expect(days).toHaveLength(30);
      expect(days[29]!.date).toBe(dayIn(new Date(), timeZone));
      expect(days[0]!.date).toBe(dayIn(hoursAgo(24 * 29), timeZone));
      const byDate = new Map<string, { succeeded: number; failed: number }>();
      for (const [at, succeeded, failed] of [
        [hoursAgo(0.1), 3, 2],
        [hoursAgo(0.2), 0, 1],
        [hoursAgo(48), 1, 0],
      ] as const) {
        const day = byDate.get(dayIn(at, timeZone)) ?? { succeeded: 0, failed: 0 };
        byDate.set(dayIn(at, timeZone), { succeeded: day.succeeded + succeeded, failed: day.failed + failed });
      }
      expect(days.filter((d: any) => d.succeeded + d.failed > 0)).toEqual(
        [...byDate].map(([date, counts]) => ({ date, ...counts })).sort((a, b) => a.date.localeCompare(b.date)),
      );
    }
    // The default: 30 days in UTC.
    expect(dataOf(await console.request(SIGN_IN_ACTIVITY_DEFAULTS)).signInActivity.at(-1)).toEqual(
      expect.objectContaining({ date: dayIn(new Date(), 'UTC') }),
    );
  });

  it('refuses a number of days out of range and an unknown time zone with BAD_USER_INPUT', async () => {
    const { console } = await adminTenant(server);
    for (const variables of [
      { days: 0, timeZone: 'UTC' },
      { days: 367, timeZone: 'UTC' },
      { days: 30, timeZone: 'Mars/Olympus_Mons' },
      { days: 30, timeZone: "UTC'; SELECT 1; --" },
      { days: 30, timeZone: '' },
    ]) {
      expect(GraphQLClient.code(await console.request(SignInActivityDocument, variables))).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the audit table is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const { tenant, console } = await adminTenant(server);
    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 5 } }));
    const before = await auditRows(server.db, tenant.id);
    expect(before).toHaveLength(1);

    await expect(server.db.query(`UPDATE audit_events SET action = 'forged' WHERE tenant_id = $1`, [tenant.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(server.db.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id])).rejects.toThrow(/append-only/);
    // In a transaction rolled back whatever happens, so a broken guard could not empty the table for other tests.
    const runner = server.db.createQueryRunner();
    try {
      await runner.startTransaction();
      await expect(runner.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    // The retention job's switch allows DELETE only, never UPDATE.
    await expect(
      server.db.transaction(async (m) => {
        await m.query(`SELECT set_config('app_passwords.audit_retention', 'on', true)`);
        await m.query(`UPDATE audit_events SET action = 'forged' WHERE tenant_id = $1`, [tenant.id]);
      }),
    ).rejects.toThrow(/append-only/);

    expect(await auditRows(server.db, tenant.id)).toEqual(before);
  });

  it("applyRetention deletes only events older than each tenant's retention", async () => {
    const keeping = await adminTenant(server);
    dataOf(await keeping.console.request(UpdateTenantPolicyDocument, { input: { auditRetentionDays: 200 } }));
    const pruning = await adminTenant(server); // the default 90 days
    dataOf(await pruning.console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 7 } }));
    const [{ keptOld }] = await server.db.query(
      `INSERT INTO audit_events (tenant_id, occurred_at, action, actor_type) VALUES ($1, now() - interval '100 days', 'test.old', 'system')
       RETURNING id::text AS "keptOld"`,
      [keeping.tenant.id],
    );
    await server.db.query(
      `INSERT INTO audit_events (tenant_id, occurred_at, action, actor_type) VALUES ($1, now() - interval '100 days', 'test.old', 'system')`,
      [pruning.tenant.id],
    );

    const deleted = await server.app.services.auditLog.applyRetention();

    expect(deleted).toBeGreaterThanOrEqual(1);
    expect((await auditRows(server.db, keeping.tenant.id)).map((e) => [e.id, e.action])).toEqual([
      [keptOld, 'test.old'],
      [expect.any(String), 'tenant_policy.updated'],
    ]);
    expect((await auditRows(server.db, pruning.tenant.id)).map((e) => e.action)).toEqual(['tenant_policy.updated']);
  });
});

describe('CSV exports', () => {
  async function createToken(console: GraphQLClient, scopes: string[]): Promise<string> {
    return dataOf(await console.request(CreateApiTokenDocument, { input: { name: 'Export', scopes: scopes as ApiScope[] } })).createApiToken
      .token;
  }

  it('exports the audit trail as RFC 4180 CSV: header row, quoting that round-trips commas, quotes and line breaks', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 1);
    const reason = 'Left the company, "for good"; ticket 42'; // line breaks never get in through the API
    dataOf(await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id], reason } }));
    const awkward = 'Laptop, "work"\r\nsecond line\nthird'; // as rows from before the text rule may hold
    const awkwardId = await insertAuditEvent(tenant, { action: 'test.name', occurredAt: '2025-01-01T00:00:00Z', appPasswordName: awkward });

    const response = await getWith(server, '/export/audit.csv', { cookie: console.cookie });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = csvObjects(await response.text(), AUDIT_COLUMNS);
    expect(rows.map((r) => r.action)).toEqual(['test.name', 'app_password.revoked']); // oldest first
    expect(rows[0]).toMatchObject({ id: awkwardId, appPasswordName: awkward, occurredAt: '2025-01-01T00:00:00.000Z' });
    expect(rows[1]).toMatchObject({ actorType: 'user', actorUserId: admin.id, actorEmail: admin.email, targetUserId: user.id });
    expect(JSON.parse(rows[1]!.details!)).toEqual({ reason });
  });

  it("exports sign-ins, with a sign-in name that starts with '=' kept as text behind an apostrophe", async () => {
    const { tenant, console } = await adminTenant(server);
    const formula = `=HYPERLINK("x")-${uniqueTag()}`;
    const tricky = await createNamedUser(server.db, tenant, { email: formula, displayName: 'Formula' });
    const ip = documentationIp();
    expect((await checkBasic(server, basic(formula, randomSecret()), { ip })).status).toBe(401);
    await server.app.services.signInLog.flush();

    const response = await getWith(server, '/export/sign-ins.csv?method=APP_PASSWORD', { cookie: console.cookie });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await response.text();
    expect(text).toContain(`"'${formula.replace(/"/g, '""')}"`);
    const rows = csvObjects(text, SIGN_IN_COLUMNS);
    expect(rows).toEqual([
      expect.objectContaining({ outcome: 'WRONG_PASSWORD', signInName: `'${formula}`, userId: tricky.id, appPasswordId: '', clientIp: ip }),
    ]);
  });

  it('filters exports by query parameters', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    dataOf(await console.request(DisableUserDocument, { id: user.id }));
    dataOf(await console.request(EnableUserDocument, { id: user.id }));
    await insertAuditEvent(tenant, { action: 'test.old', occurredAt: '2025-01-01T00:00:00Z' });
    await insertAuditEvent(tenant, { action: 'test.old', occurredAt: '2025-02-01T00:00:00Z' });
    const laptop = await createAppPassword(server, user, { name: 'Laptop' });
    const phone = await createAppPassword(server, user, { name: 'Phone', console: laptop.console });
    const ip = documentationIp();
    expect((await checkBasic(server, basic(user.email, laptop.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, phone.password), { ip })).status).toBe(204);
    expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(401);
    await server.app.services.signInLog.flush();
    const csv = async (path: string, columns: string[]) => {
      const response = await getWith(server, path, { cookie: console.cookie });
      expect(response.status).toBe(200);
      return csvObjects(await response.text(), columns);
    };

    expect((await csv('/export/audit.csv?action=user.disabled', AUDIT_COLUMNS)).map((r) => [r.action, r.targetUserId])).toEqual([
      ['user.disabled', user.id],
    ]);
    // actionKind, as in GraphQL's AuditFilter: the enum's name.
    expect((await csv('/export/audit.csv?actionKind=USER_DISABLED', AUDIT_COLUMNS)).map((r) => [r.action, r.targetUserId])).toEqual([
      ['user.disabled', user.id],
    ]);
    const unknownKind = await getWith(server, '/export/audit.csv?actionKind=user.disabled', { cookie: console.cookie });
    expect(unknownKind.status).toBe(400);
    expect(JSON.stringify(await unknownKind.json())).toContain('BAD_USER_INPUT');
    expect((await csv(`/export/audit.csv?actorUserId=${admin.id}`, AUDIT_COLUMNS)).map((r) => r.action)).toEqual([
      'user.disabled',
      'user.enabled',
    ]);
    expect((await csv(`/export/audit.csv?targetUserId=${user.id}&action=user.enabled`, AUDIT_COLUMNS)).map((r) => r.action)).toEqual([
      'user.enabled',
    ]);
    expect(
      (await csv('/export/audit.csv?from=2025-01-15T00:00:00Z&to=2025-03-01T00:00:00Z', AUDIT_COLUMNS)).map((r) => r.occurredAt),
    ).toEqual(['2025-02-01T00:00:00.000Z']);
    expect((await csv('/export/sign-ins.csv?outcome=WRONG_PASSWORD', SIGN_IN_COLUMNS)).map((r) => r.userId)).toEqual([user.id]);
    expect(
      (await csv(`/export/sign-ins.csv?appPasswordId=${phone.id}`, SIGN_IN_COLUMNS)).map((r) => [r.outcome, r.appPasswordName]),
    ).toEqual([['SUCCESS', 'Phone']]);
    expect(
      (await csv(`/export/sign-ins.csv?userId=${user.id}&outcome=SUCCESS&method=APP_PASSWORD`, SIGN_IN_COLUMNS)).map(
        (r) => r.appPasswordId,
      ),
    ).toEqual([laptop.id, phone.id]);
    // The user's console sign-in (to create the app passwords) is there too, by method.
    expect((await csv(`/export/sign-ins.csv?userId=${user.id}&method=PASSWORD`, SIGN_IN_COLUMNS)).map((r) => r.outcome)).toEqual([
      'SUCCESS',
    ]);
    expect(await csv('/export/sign-ins.csv?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z', SIGN_IN_COLUMNS)).toEqual([]);
  });

  it.each([
    ['/export/audit.csv?from=yesterday'],
    ['/export/audit.csv?to=2025-13-45'],
    ['/export/audit.csv?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z'],
    ['/export/audit.csv?actorUserId=nope'],
    ['/export/sign-ins.csv?from=not-a-date'],
    ['/export/sign-ins.csv?outcome=MAYBE'],
    ['/export/sign-ins.csv?method=SMOKE_SIGNAL'],
    ['/export/sign-ins.csv?userId=nope'],
  ])('answers %s with 400 and a JSON BAD_USER_INPUT', async (path) => {
    const { console } = await adminTenant(server);
    const response = await getWith(server, path, { cookie: console.cookie });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  // Regression: `outcome in SignInOutcome` once accepted inherited names such as toString.
  it('answers an outcome that is an Object.prototype name (?outcome=toString) with 400 too', async () => {
    const { console } = await adminTenant(server);
    const response = await getWith(server, '/export/sign-ins.csv?outcome=toString', { cookie: console.cookie });
    expect(response.status).toBe(400);
  });

  it('is for admins and API tokens with audit:read: 401 anonymous, 403 for users, app passwords and other tokens', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const userConsole = await signedInClient(server, user);
    const appPassword = await createAppPassword(server, user, { console: userConsole });
    const reader = await createToken(console, ['AUDIT_READ']);
    const other = await createToken(console, ['APP_PASSWORDS_READ', 'USERS_READ', 'POLICY_READ', 'APP_PASSWORDS_REVOKE']);
    const ip = documentationIp();

    for (const path of ['/export/audit.csv', '/export/sign-ins.csv']) {
      expect((await getWith(server, path)).status).toBe(401);
      expect((await getWith(server, path, { cookie: userConsole.cookie })).status).toBe(403);
      const basicResponse = await fetch(`${server.url}${path}`, {
        headers: { authorization: basic(user.email, appPassword.password), 'x-forwarded-for': ip },
      });
      expect(basicResponse.status).toBe(403);
      expect((await getWith(server, path, { authorization: `Bearer ${other}` })).status).toBe(403);
      expect((await getWith(server, path, { authorization: 'Bearer apt_garbage' })).status).toBe(401);
      const tokenResponse = await getWith(server, path, { authorization: `Bearer ${reader}` });
      expect(tokenResponse.status).toBe(200);
      expect(tokenResponse.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(parseCsv(await tokenResponse.text())[0]).toEqual(path.includes('audit') ? AUDIT_COLUMNS : SIGN_IN_COLUMNS);
    }
  });

  it("never exports another tenant's rows", async () => {
    const mine = await adminTenant(server);
    const theirs = await adminTenant(server);
    const stranger = await createUser(server.db, theirs.tenant);
    dataOf(await theirs.console.request(DisableUserDocument, { id: stranger.id }));
    const ip = documentationIp();
    expect((await checkBasic(server, basic(stranger.email, randomSecret()), { ip })).status).toBe(401);
    await server.app.services.signInLog.flush();

    const audit = await getWith(server, '/export/audit.csv', { cookie: mine.console.cookie });
    const signIns = await getWith(server, `/export/sign-ins.csv?userId=${stranger.id}`, { cookie: mine.console.cookie });

    expect(csvObjects(await audit.text(), AUDIT_COLUMNS)).toEqual([]);
    expect(csvObjects(await signIns.text(), SIGN_IN_COLUMNS)).toEqual([]);
  });

  it('streams 200 000 sign-ins with bounded memory', async () => {
    const { tenant, console } = await adminTenant(server);
    const user: TestUser = await createUser(server.db, tenant);
    const rows = 200_000;
    await server.db.query(
      `INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, sign_in_name, outcome, user_agent)
         SELECT now() - n * interval '1 second', $1, $2, 'bulk-' || n || '@example.test', 'SUCCESS', 'bulk export test'
           FROM generate_series(1, $3::int) AS n`,
      [tenant.id, user.id, rows],
    );

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let lines = 0;
    try {
      // The admin's own console sign-in is in the tenant's log too; the bulk rows are app-password checks.
      const response = await getWith(server, '/export/sign-ins.csv?method=APP_PASSWORD', { cookie: console.cookie });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const byte of value) if (byte === 0x0a) lines++;
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(lines).toBe(rows + 1);
    expect(peak - baseline).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);
});
