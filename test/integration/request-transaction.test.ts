import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryRunner } from 'typeorm';
import {
  AdminAppPasswordsDocument,
  AdminUsersDocument,
  AuditEntriesDocument,
  SecurityInfoDocument,
  SignInEntriesDocument,
  ViewerDocument,
} from '@app-passwords/schema';
import { pgPool } from '../../server/src/db/pg-pool.js';
import { RequestTransaction } from '../../server/src/db/request-transaction.js';
import { StatementCounter } from '../../server/src/db/statement-count.js';
import { adminTenant, auditRows, dataOf, type AdminTenant } from '../support/admin.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestUser } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

/** A statement the server sent, and the query runner (one pooled connection) it went through. */
interface Sent {
  sql: string;
  runner: QueryRunner | undefined;
}

/** What the server sends to PostgreSQL while `work` runs (TypeORM tells its logger of every statement). */
async function statementsOf(work: () => Promise<unknown>): Promise<Sent[]> {
  const counter = server.runtimeDb.logger as StatementCounter;
  const sent: Sent[] = [];
  const original = counter.logQuery;
  counter.logQuery = (query, parameters, runner) => {
    // The sign-in log's writer runs on its own clock (sign-ins of the set-up), not for any request.
    if (!query.includes('record_sign_in_events')) sent.push({ sql: query.replace(/\s+/g, ' ').trim(), runner });
    original(query, parameters, runner);
  };
  try {
    await work();
  } finally {
    counter.logQuery = original;
  }
  return sent;
}

/** The statements that went through one connection, by connection, in order. */
function byConnection(sent: Sent[]): Sent[][] {
  const groups = new Map<unknown, Sent[]>();
  for (const s of sent) groups.set(s.runner ?? s, [...(groups.get(s.runner ?? s) ?? []), s]);
  return [...groups.values()];
}

const opensTransaction = (s: Sent) => /^START TRANSACTION/.test(s.sql);

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("a GraphQL query's resolvers", () => {
  let user: TestUser;
  let client: GraphQLClient;

  beforeAll(async () => {
    const tenant = await createTenant(server.db);
    user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 3);
    client = await signedInClient(server, user);
  });

  it('read in one read-only transaction, scoped to the tenant once, committed when the answer is ready', async () => {
    let answer: unknown;
    // Two resolvers that read: the security info and the recent sign-ins.
    const document = '{ viewer { email securityInfo { appPasswordCount } signIns(first: 1) { edges { node { id } } } } }';
    const sent = await statementsOf(async () => (answer = dataOf(await client.request(document))));
    expect(answer).toMatchObject({ viewer: { email: user.email, securityInfo: { appPasswordCount: 3 } } });
    // The session lookup (which also answers `viewer`), then one transaction for both.
    expect(sent[0]!.sql).toMatch(/session_for_token/);
    const transactions = byConnection(sent.slice(1));
    expect(transactions).toHaveLength(1);
    const [transaction] = transactions as [Sent[]];
    expect(transaction[0]!.sql).toBe(`START TRANSACTION READ ONLY; SELECT set_config('app.tenant_id', '${user.tenantId}', true)`);
    expect(transaction.at(-1)!.sql).toBe('COMMIT');
    expect(transaction.filter((s) => /set_config/.test(s.sql))).toHaveLength(1);
    expect(transaction).toHaveLength(4); // BEGIN with the scope, the two reads, COMMIT
  });

  it('cost nothing beyond the session for what the session brings: the console’s Viewer, with their organisation and chosen language', async () => {
    let answer: unknown;
    const sent = await statementsOf(async () => (answer = dataOf(await client.request(ViewerDocument))));
    expect(answer).toEqual({
      viewer: {
        id: user.id,
        email: user.email,
        displayName: 'Test User',
        role: 'USER',
        mustChangePassword: false,
        chosenLanguage: null,
        twoStepRequiredForAdmin: false,
        signedInThroughProvider: false,
        tenant: { id: user.tenantId, name: expect.stringMatching(/^Tenant /) },
      },
    });
    expect(sent.map((s) => s.sql)).toEqual([expect.stringMatching(/^SELECT .* FROM session_for_token\(\$1, \$2\) found$/)]);
  });

  it('of two tenants at the same time never share a transaction', async () => {
    const other = await createUser(server.db, await createTenant(server.db));
    await insertAppPasswords(server.db, other, 2);
    const otherClient = await signedInClient(server, other);
    const answers: Array<{ email: string; count: number }> = [];
    // Two resolvers that read, so each request opens its transaction (the security-info page alone needs none: see below).
    const document = '{ viewer { email securityInfo { appPasswordCount } signIns(first: 1) { edges { node { id } } } } }';
    const sent = await statementsOf(() =>
      Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const data = dataOf(await (i % 2 ? otherClient : client).request(document));
          answers.push({ email: data.viewer!.email, count: data.viewer!.securityInfo.appPasswordCount });
        }),
      ),
    );
    expect(answers.filter((a) => a.email === user.email && a.count === 3)).toHaveLength(6);
    expect(answers.filter((a) => a.email === other.email && a.count === 2)).toHaveLength(6);
    const tenantsPerTransaction = byConnection(sent)
      .flatMap((statements) => {
        // A pooled connection serves one request's transaction after another: split it at each BEGIN.
        const runs: Sent[][] = [];
        for (const s of statements) {
          if (opensTransaction(s) || runs.length === 0) runs.push([s]);
          else runs.at(-1)!.push(s);
        }
        return runs.filter((run) => opensTransaction(run[0]!));
      })
      .map((run) => new Set(run.flatMap((s) => s.sql.match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? [])));
    expect(tenantsPerTransaction).toHaveLength(12);
    for (const tenants of tenantsPerTransaction) expect(tenants.size).toBe(1);
  });

  it("answer the console's security-info page, session included, in one statement scoped to the session's tenant", async () => {
    const other = await createUser(server.db, await createTenant(server.db));
    await insertAppPasswords(server.db, other, 2);
    const otherClient = await signedInClient(server, other);
    const answers: Array<{ email: string; count: number }> = [];
    const sent = await statementsOf(() =>
      Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const data = dataOf(await (i % 2 ? otherClient : client).request(SecurityInfoDocument));
          answers.push({ email: data.viewer!.email, count: data.viewer!.securityInfo.appPasswords.length });
        }),
      ),
    );
    expect(answers.filter((a) => a.email === user.email && a.count === 3)).toHaveLength(3);
    expect(answers.filter((a) => a.email === other.email && a.count === 2)).toHaveLength(3);
    // One round trip a request: no session lookup of its own, no BEGIN, no COMMIT (app_passwords_sql_statements_total counts these).
    expect(sent.map((s) => s.sql)).toEqual(
      Array(6).fill(expect.stringMatching(/^SELECT .* FROM security_info_for_session\(\$1, \$2\) found$/)),
    );
  });

  it('roll back when the answer carries an error, and keep what they read', async () => {
    let result: Awaited<ReturnType<GraphQLClient['request']>> | undefined;
    const document = `{ a: viewer { securityInfo { appPasswordCount } } b: viewer { signIns(first: 1, after: "not-a-cursor") { edges { node { id } } } } }`;
    const sent = await statementsOf(async () => (result = await client.request(document)));
    expect(result!.data).toEqual({ a: { securityInfo: { appPasswordCount: 3 } }, b: null });
    expect(result!.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const [transaction] = byConnection(sent.slice(1)) as [Sent[]];
    expect(transaction.at(-1)!.sql).toBe('ROLLBACK');
  });
});

describe('RequestTransaction', () => {
  it('reads one tenant, under row-level security, never writes, and gives its connection back', async () => {
    const tenant = await createTenant(server.db);
    await createUser(server.db, tenant);
    await createUser(server.db, tenant);
    await createUser(server.db, await createTenant(server.db));
    const pool = pgPool(server.runtimeDb);
    const busyBefore = pool.totalCount - pool.idleCount;
    const transaction = new RequestTransaction(server.runtimeDb);

    // No tenant condition in the SQL: row-level security alone keeps the other tenants' users out.
    const [{ count }] = await transaction.read(tenant.id, (m) => m.query('SELECT count(*)::int AS count FROM users'));
    expect(count).toBe(2);
    await expect(transaction.read(randomUUID(), (m) => m.query('SELECT 1'))).rejects.toThrow(/one tenant/);
    await expect(
      transaction.read(tenant.id, (m) => m.query("UPDATE users SET display_name = 'x' WHERE tenant_id = $1", [tenant.id])),
    ).rejects.toThrow(/read-only transaction/);
    expect(transaction.isOpen).toBe(true);

    await transaction.end('commit');
    await transaction.end('rollback'); // a second end changes nothing
    expect(transaction.isOpen).toBe(false);
    expect(pool.totalCount - pool.idleCount).toBe(busyBefore);
    await expect(transaction.read(tenant.id, (m) => m.query('SELECT 1'))).rejects.toThrow(/has ended/);
  });
});

describe('mutations', () => {
  it('each write all or nothing: a failed one leaves nothing behind and does not undo the one before it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const [kept, deleted] = await insertAppPasswords(server.db, user, 2);
    const client = await signedInClient(server, user);
    const result = await client.request(
      `mutation ($gone: ID!, $missing: ID!) { a: deleteAppPassword(id: $gone) { deletedId } b: deleteAppPassword(id: $missing) { deletedId } }`,
      { gone: deleted, missing: randomUUID() },
    );
    // The second one's NOT_FOUND empties `data` (both fields are non-null), but the first one had run and stays done.
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'NOT_FOUND']]);
    const left = await server.db.query('SELECT id FROM app_passwords WHERE user_id = $1', [user.id]);
    expect(left).toEqual([{ id: kept }]);
    expect((await auditRows(server.db, tenant.id, 'app_password.deleted')).map((row) => row.app_password_id)).toEqual([deleted]);
  });
});

describe("the console's heaviest queries", () => {
  let admin: AdminTenant;

  beforeAll(async () => {
    admin = await adminTenant(server);
    const users: TestUser[] = [];
    for (let i = 0; i < 55; i++) users.push(await createUser(server.db, admin.tenant));
    for (const user of users.slice(0, 30)) await insertAppPasswords(server.db, user, 2);
    await server.db.query(
      `INSERT INTO audit_events (tenant_id, action, actor_type, actor_user_id, target_user_id, details)
       SELECT $1, 'user.disabled', 'user', $2, $2, '{}' FROM generate_series(1, 60)`,
      [admin.tenant.id, admin.admin.id],
    );
    await server.db.query(
      `INSERT INTO sign_in_events (tenant_id, user_id, sign_in_name, outcome, method)
       SELECT $1, $2, 'someone@example.test', 'WRONG_PASSWORD', 'PASSWORD' FROM generate_series(1, 60)`,
      [admin.tenant.id, admin.admin.id],
    );
  });

  /** Statements one request costs, checking it answered `rows` rows. */
  async function cost(send: () => Promise<number>, rows: number): Promise<number> {
    let answered = 0;
    const sent = await statementsOf(async () => (answered = await send()));
    expect(answered).toBe(rows);
    return sent.length;
  }

  it('cost as many statements for 50 rows as for 5', async () => {
    const page = (first: number) => ({
      appPasswords: () => admin.console.request(AdminAppPasswordsDocument, { first }).then((r) => dataOf(r).appPasswords.edges.length),
      users: () => admin.console.request(AdminUsersDocument, { first }).then((r) => dataOf(r).users.edges.length),
      audit: () => admin.console.request(AuditEntriesDocument, { first }).then((r) => dataOf(r).auditEntries.edges.length),
      signIns: () => admin.console.request(SignInEntriesDocument, { first }).then((r) => dataOf(r).signInEntries.edges.length),
    });
    const costs: Record<string, [number, number]> = {};
    for (const name of ['appPasswords', 'users', 'audit', 'signIns'] as const) {
      costs[name] = [await cost(page(5)[name], 5), await cost(page(50)[name], 50)];
    }
    for (const [name, [five, fifty]] of Object.entries(costs)) {
      expect({ name, fifty }).toEqual({ name, fifty: five });
      expect(five, name).toBeLessThanOrEqual(6);
    }
  });

  it("cost as many statements for a user's 40 app passwords as for 1", async () => {
    const tenant = await createTenant(server.db);
    const costOf = async (count: number) => {
      const user = await createUser(server.db, tenant);
      await insertAppPasswords(server.db, user, count);
      const client = await signedInClient(server, user);
      // Inline: with each app password's owner, a resolver per row, which the console's SecurityInfo does not ask.
      const list = `{ viewer { securityInfo { appPasswords { id owner { email } } } } }`;
      return cost(() => client.request(list).then((r) => dataOf(r).viewer.securityInfo.appPasswords.length), count);
    };
    expect(await costOf(40)).toBe(await costOf(1));
  });
});
