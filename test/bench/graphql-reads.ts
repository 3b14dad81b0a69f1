/**
 * Figures 11a–11f: GraphQL reads at the speed of the API they sit on
 * (issue 16). Requests per second of a few reads under closed-loop load, each
 * against anonymous `{ __typename }` measured in the same rounds, with the SQL
 * statements each request costs (the server's own counter). See README.md beside it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { createServices, entities } from '../../server/src/services.js';
import { createLogger } from '../../server/src/common/logger.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { OPERATOR } from '../../server/src/modules/audit/audit.service.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { BenchClient, consoleOperation } from './graphql.js';
import { Connection, graphqlRequest, runLoad } from './load-generator.js';
import { graphqlReport, type KindResult, type Sample } from './graphql-reads-report.js';
import type { Credential, StartServer } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import type { Table } from './table.js';

const CONNECTIONS = Number(process.env.BENCH_GRAPHQL_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_SECONDS ?? 3) * 1000;
const WARMUP_MS = 1000;
/** Before a kind's first round: long enough for V8 to optimise its path. */
const FIRST_WARMUP_MS = 3000;
/** The user's app passwords: the most a tenant policy allows. */
const MANY = 40;
/** Other owners in the tenant, so the admin's first page is a full one (PAGE rows) with several owners. */
const OTHER_OWNERS = 4;
const OTHER_EACH = 5;
const PAGE = 50;

/** The reads measured, in the order of the figures; `anonymous` is the baseline of all but `bare`. */
export const KINDS = ['anonymous', 'cookie', 'viewer', 'securityInfo', 'adminPage', 'bare'] as const;
export type KindKey = (typeof KINDS)[number];

/** BENCH_GRAPHQL_KINDS (comma-separated) narrows the run, e.g. to profile one kind; the baseline is always measured. */
const SELECTED = new Set<KindKey>(['anonymous', ...((process.env.BENCH_GRAPHQL_KINDS?.split(',') ?? KINDS) as KindKey[])]);
const unknownKinds = [...SELECTED].filter((k) => !KINDS.includes(k));
if (unknownKinds.length > 0)
  throw new Error(`BENCH_GRAPHQL_KINDS: unknown ${unknownKinds.join(', ')}; expected some of ${KINDS.join(', ')}.`);

export interface GraphqlSeed {
  user: Credential;
  admin: Credential;
  tenantAppPasswords: number;
}

/**
 * One tenant with app passwords on: a user with MANY app passwords, OTHER_OWNERS
 * users with OTHER_EACH each, and a TENANT_ADMIN with an authenticator app
 * (admin work needs two-step verification), all through the server's services.
 */
export async function seedGraphql(url: string, lookupKey: Buffer): Promise<GraphqlSeed> {
  const db = createDataSource(url, 2, { entities });
  await db.initialize();
  const services = createServices(db, { appPasswordLookupKey: lookupKey, appPasswordCacheTtlSeconds: 0 }, createLogger('silent'));
  try {
    const tenant = await services.tenants.create(`Bench GraphQL ${randomUUID()}`, {
      appPasswordsEnabled: true,
      requireTwoStepForAppPasswords: false,
    });
    const person = async (role: Role, appPasswords: number): Promise<Credential> => {
      const email = `bench-graphql-${randomUUID()}@example.test`;
      const password = randomBytes(12).toString('hex');
      const created = await services.users.create({ tenantId: tenant.id, email, role, password });
      const actor = {
        userId: created.id,
        tenantId: tenant.id,
        role,
        signedInWith: 'session' as const,
        sessionId: randomUUID(),
        authenticatedAt: new Date(),
        signedInThroughProvider: false,
        twoStepAtProvider: false,
        twoStepRequiredForAdmin: false,
        email,
        displayName: email,
        tenantName: tenant.name,
        mustChangePassword: false,
        chosenLanguage: null,
      };
      for (let i = 0; i < appPasswords; i++)
        await services.appPasswordCreation.create(actor, { name: `Device ${i + 1}` }, { clientIp: null, userAgent: null });
      if (role !== Role.TENANT_ADMIN) return { email, password };
      const twoStep = await services.twoStep.enrollWithoutCode(created, OPERATOR);
      return { email, password, totpSecret: twoStep!.secret };
    };
    const user = await person(Role.USER, MANY);
    for (let i = 0; i < OTHER_OWNERS; i++) await person(Role.USER, OTHER_EACH);
    const admin = await person(Role.TENANT_ADMIN, 0);
    return { user, admin, tenantAppPasswords: MANY + OTHER_OWNERS * OTHER_EACH };
  } finally {
    await services.signInLog.close();
    await db.destroy();
  }
}

interface Kind {
  key: KindKey;
  server: ServerHandle;
  request: Buffer;
  /** What a good answer's `data` holds; undefined for the bare server (204, no body). */
  expect?: (data: any) => boolean;
  /** The length of the answer checked before the load: a good answer during the load has the same. */
  bodyLength: number;
  samples: Sample[];
  /** The anonymous window measured right before or after each of this kind's. */
  baseline: Sample[];
}

/**
 * Figures 11a–11f: the bare server and the app side by side. Each round
 * measures every kind next to a window of the baseline (after it in one round,
 * before it in the next), the kinds in an order that rotates each round, so a
 * neighbour's burst of work falls on a kind and its baseline alike.
 */
export async function graphqlFigures(start: StartServer, seeded: GraphqlSeed, log: (line: string) => void): Promise<Table> {
  const bare = await start('bare');
  const app = await start('app', 300);
  try {
    const user = await BenchClient.signIn(app.url, seeded.user);
    const admin = await BenchClient.signIn(app.url, seeded.admin);
    const kind = (key: KindKey, server: ServerHandle, query: string, variables = {}, cookie?: string, expect?: Kind['expect']) => ({
      key,
      server,
      request: graphqlRequest(server.port, query, variables, cookie),
      expect,
      bodyLength: 0,
      samples: [] as Sample[],
      baseline: [] as Sample[],
    });
    const all: Kind[] = [
      kind('anonymous', app, '{ __typename }', {}, undefined, (d) => d.__typename === 'Query'),
      kind('cookie', app, '{ __typename }', {}, user.cookie, (d) => d.__typename === 'Query'),
      kind('viewer', app, '{ viewer { id email } }', {}, user.cookie, (d) => d.viewer?.email === seeded.user.email),
      kind('securityInfo', app, print(consoleOperation('SecurityInfo')), {}, user.cookie, (d) => {
        return d.viewer?.email === seeded.user.email && d.viewer.securityInfo.appPasswords.length === MANY;
      }),
      kind(
        'adminPage',
        app,
        print(consoleOperation('AdminAppPasswords')),
        // As the console's inventory page loads it (web/src/features/admin/AppPasswordsPage.vue).
        { filter: {}, orderBy: { field: 'CREATED_AT', direction: 'DESC' }, first: PAGE, after: null },
        admin.cookie,
        (d) =>
          d.appPasswords.edges.length === Math.min(PAGE, seeded.tenantAppPasswords) &&
          d.appPasswords.totalCount === seeded.tenantAppPasswords,
      ),
      kind('bare', bare, '{ __typename }'),
    ].filter((k) => SELECTED.has(k.key));
    for (const k of all) k.bodyLength = await check(k);

    log(
      `bench: GraphQL reads (${all.map((k) => k.key).join(', ')}), ${CONNECTIONS} connections, ${ROUNDS} rounds of ${MEASURE_MS / 1000} s per kind and baseline …`,
    );
    const [anonymous, ...others] = all as [Kind, ...Kind[]];
    const measure = async (k: Kind) => {
      k.samples.push(await sample(k, k.samples.length === 0 ? FIRST_WARMUP_MS : WARMUP_MS));
    };
    for (let round = 0; round < ROUNDS; round++) {
      if (others.length === 0) await measure(anonymous);
      for (let i = 0; i < others.length; i++) {
        const j = (round + i) % others.length;
        const k = others[j]!;
        // Each kind after its baseline in one round, before it in the next.
        const [first, second] = (round + j) % 2 === 0 ? [anonymous, k] : [k, anonymous];
        await measure(first);
        await measure(second);
        k.baseline.push(anonymous.samples.at(-1)!);
      }
    }
    const results = new Map<KindKey, KindResult>();
    for (const k of all) {
      results.set(k.key, { samples: k.samples, baseline: k.baseline, maxRssBytes: (await k.server.stats()).maxRssBytes });
    }
    return graphqlReport(results, { connections: CONNECTIONS, rounds: ROUNDS, seconds: MEASURE_MS / 1000, many: MANY, page: PAGE });
  } finally {
    await Promise.all([bare.stop(), app.stop()]);
  }
}

/** One request of the kind, before any load: the answer must be the expected one. Returns its body's length. */
async function check(kind: Kind): Promise<number> {
  const connection = await Connection.open(kind.server.port);
  try {
    const status = await connection.request(kind.request);
    const body = Buffer.from(connection.lastBody).toString('utf8');
    if (!kind.expect) {
      if (status !== 204) throw new Error(`The bare server answered ${status}, not 204.`);
      return 0;
    }
    const json = body.startsWith('{') ? JSON.parse(body) : {};
    if (status !== 200 || json.errors || !json.data || !kind.expect(json.data)) {
      throw new Error(`GraphQL ${kind.key}: not the expected answer (${status}): ${body.slice(0, 500)}`);
    }
    return Buffer.byteLength(body);
  } finally {
    connection.close();
  }
}

const ERRORS = Buffer.from('"errors"');

/** One measured round of one kind: closed-loop load, with the server's CPU and SQL statements read before and after. */
async function sample(kind: Kind, warmupMs: number): Promise<Sample> {
  const { server } = kind;
  const result = await runLoad({
    port: server.port,
    requests: [kind.request],
    connections: CONNECTIONS,
    warmupMs,
    measureMs: MEASURE_MS,
    probe: async () => {
      const [stats, statements] = await Promise.all([server.stats(), kind.expect ? statementsSent(server) : undefined]);
      return { cpu: stats.cpuUserMicros + stats.cpuSystemMicros, statements };
    },
    // A 200 with errors, or any other answer than the one checked (a session gone, `viewer: null`), is a failure.
    accept: kind.expect
      ? (status, body) => status === 200 && body.length === kind.bodyLength && body.indexOf(ERRORS) < 0
      : (status) => status === 204,
    refusedLabel: 'not the checked answer',
  });
  const { before, after } = result;
  const requests = result.ok + result.failed;
  return {
    requestsPerSecond: result.ok / result.seconds,
    ok: result.ok,
    failed: result.failed,
    statuses: result.statuses,
    seconds: result.seconds,
    cpuMicros: after.cpu - before.cpu,
    statements: before.statements === undefined || after.statements === undefined ? undefined : after.statements - before.statements,
    requests,
    latenciesMs: result.latenciesMs,
  };
}

/** `app_passwords_sql_statements_total` from GET /metrics (served to loopback without a token); undefined when absent. */
async function statementsSent(server: ServerHandle): Promise<number | undefined> {
  const response = await fetch(`${server.url}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 200)}`);
  const match = /^app_passwords_sql_statements_total(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
