/**
 * Figures 5–8: a tenant admin at scale. One tenant with a million app
 * passwords and a million sign-in events (the real demo seed), measured
 * through the real API: the inventory deep in the list, the "not used for 90
 * days" filter, bulk revoke, and the sign-in CSV export. See README.md beside it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { print, visit, type DocumentNode } from 'graphql';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { createServices, entities } from '../../server/src/services.js';
import { encodeCursor } from '../../server/src/common/pagination.js';
import { SqlParams } from '../../server/src/common/sql.js';
import { createLogger } from '../../server/src/common/logger.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { filterConditions } from '../../server/src/modules/app-passwords/app-password-inventory.service.js';
import type { AppPasswordFilter } from '../../server/src/modules/app-passwords/app-password-inventory.types.js';
import { AuditAction } from '../../server/src/modules/audit/audit-event.entity.js';
import { OPERATOR } from '../../server/src/modules/audit/audit.service.js';
import { SIGN_IN_SELECT, signInConditions } from '../../server/src/modules/logs/audit-log.service.js';
import { seed, type SeedResult } from '../../server/src/modules/demo/seed.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { BenchClient, consoleOperation } from './graphql.js';
import { percentile } from './load-generator.js';
import type { Credential } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import { fixed, mib, ms, passOrMiss, type Table } from './table.js';

export const SEED_USERS = Number(process.env.BENCH_SEED_USERS ?? 25_000);
const PER_USER = 40;
/** Bulk revoke: all app passwords of this many users, in a tenant of their own. */
const REVOKE_USERS = 1000;
/** Repetitions of each inventory request (after 5 unmeasured). */
const REPS = Number(process.env.BENCH_PAGE_REPS ?? 50);
const PAGE = 50;
/** The deep page starts after this fraction of the tenant's app passwords. */
const DEEP = 0.9;
const STALE_INDEX = 'app_passwords_tenant_id_last_used_idx';

export interface ScaleSeed {
  big: SeedResult;
  small: SeedResult;
  bigAdmin: Credential;
  smallAdmin: Credential;
  seconds: number;
}

/**
 * The big tenant (BENCH_SEED_USERS users × 40 app passwords, as many sign-in
 * events) and a small one (1 000 × 40) for bulk revoke, so the big one stays
 * whole; a TENANT_ADMIN in each. Then VACUUM ANALYZE, so autovacuum does not
 * wake up in the middle of a measurement and the tables look like ones that
 * have been in use for a while.
 */
export async function seedScale(url: string, lookupKey: Buffer, log: (line: string) => void): Promise<ScaleSeed> {
  const started = performance.now();
  const db = createDataSource(url, 2, { entities });
  await db.initialize();
  const services = createServices(db, { appPasswordLookupKey: lookupKey, appPasswordCacheTtlSeconds: 300 }, createLogger('silent'));
  try {
    const progress = (line: string) => log(`bench:   ${line}`);
    const admin = async (tenantId: string): Promise<Credential> => {
      const email = `bench-admin-${randomUUID()}@example.test`;
      const password = randomBytes(12).toString('hex');
      const user = await services.users.create({ tenantId, email, role: Role.TENANT_ADMIN, password });
      // Admin work needs two-step verification (the seeded tenants are new tenants).
      const twoStep = await services.twoStep.enrollWithoutCode(user, OPERATOR);
      return { email, password, totpSecret: twoStep!.secret };
    };
    log(`bench: seeding ${SEED_USERS} users × ${PER_USER} app passwords and as many sign-in events (about 2.5 min for 25 000 users) …`);
    const big = await seed(
      db,
      services,
      { tenantName: `Bench scale ${randomUUID()}`, users: SEED_USERS, appPasswordsPerUser: PER_USER, signInEvents: SEED_USERS * PER_USER },
      progress,
    );
    log(`bench: seeding ${REVOKE_USERS} users × ${PER_USER} app passwords for bulk revoke …`);
    const small = await seed(
      db,
      services,
      { tenantName: `Bench revoke ${randomUUID()}`, users: REVOKE_USERS, appPasswordsPerUser: PER_USER, signInEvents: 0 },
      progress,
    );
    const bigAdmin = await admin(big.tenantId);
    const smallAdmin = await admin(small.tenantId);
    log('bench: VACUUM ANALYZE …');
    await db.query('VACUUM ANALYZE users, app_passwords, sign_in_events, audit_events');
    return { big, small, bigAdmin, smallAdmin, seconds: (performance.now() - started) / 1000 };
  } finally {
    await services.signInLog.close();
    await db.destroy();
  }
}

/** Figures 5–7 on one server, then figure 8 on a fresh one (so its peak RSS is the export's). */
export async function scaleFigures(
  start: () => Promise<ServerHandle>,
  url: string,
  seeded: ScaleSeed,
  log: (line: string) => void,
): Promise<Table> {
  const sql = new pg.Client(url);
  await sql.connect();
  try {
    const server = await start();
    let inventory: Awaited<ReturnType<typeof inventoryPages>>;
    let revoke: Awaited<ReturnType<typeof bulkRevoke>>;
    try {
      log(`bench: inventory pages, ${REPS} repetitions each …`);
      inventory = await inventoryPages(await BenchClient.signIn(server.url, seeded.bigAdmin), sql, seeded);
      log(`bench: bulk revoke of ${REVOKE_USERS * PER_USER} app passwords …`);
      revoke = await bulkRevoke(await BenchClient.signIn(server.url, seeded.smallAdmin), sql, seeded);
    } finally {
      await server.stop();
    }
    log(`bench: CSV export of ${seeded.big.signInEvents} sign-in events …`);
    const exported = await csvExport(start, sql, seeded);
    return report(seeded, inventory, revoke, exported);
  } finally {
    await sql.end();
  }
}

/**
 * The console's AdminAppPasswords query: newest first from the top, newest
 * first after a cursor at row DEEP × total, and the "not used for 90 days"
 * filter; also the first two without totalCount (the page alone). All
 * interleaved round by round in rotating order; medians.
 */
async function inventoryPages(client: BenchClient, sql: pg.Client, seeded: ScaleSeed) {
  const consoleQuery = consoleOperation('AdminAppPasswords');
  const withCount = print(consoleQuery);
  const pageOnly = print(
    visit(consoleQuery, { Field: (node) => (node.name.value.startsWith('totalCount') ? null : undefined) }) as DocumentNode,
  );

  // The cursor the console would hold after paging down to row deepRow: computed in SQL, encoded as the server encodes it.
  const deepRow = Math.round(seeded.big.appPasswords * DEEP);
  const { rows: around } = await sql.query<{ key: string; id: string }>(
    `SELECT created_at::text AS key, id FROM app_passwords WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 2`,
    [seeded.big.tenantId, deepRow - 1],
  );
  const newest = { orderBy: { field: 'CREATED_AT', direction: 'DESC' }, first: PAGE };
  const deep = { ...newest, after: encodeCursor(around[0]!.key, around[0]!.id) };
  const lastUsedBefore = new Date(Date.now() - 90 * 24 * 3600 * 1000);
  const staleFilter = { lastUsedBefore, includeNeverUsed: true };
  const stale = { filter: staleFilter, orderBy: { field: 'LAST_USED_AT', direction: 'ASC' }, first: PAGE };

  // The deep page must really be the page after row deepRow.
  const check = await client.request(withCount, deep);
  const edges = check.appPasswords.edges as Array<{ node: { id: string } }>;
  if (edges.length !== PAGE || edges[0]!.node.id !== around[1]!.id) {
    throw new Error(`The page after row ${deepRow} starts at ${edges[0]?.node.id} (${edges.length} rows), not at ${around[1]!.id}.`);
  }
  const staleCheck = await client.request(withCount, stale);
  if (staleCheck.appPasswords.edges.length !== PAGE) throw new Error('The "not used for 90 days" page is not full.');

  const steps = {
    first: () => client.timed(withCount, newest),
    deep: () => client.timed(withCount, deep),
    firstPage: () => client.timed(pageOnly, newest),
    deepPage: () => client.timed(pageOnly, deep),
    stale: () => client.timed(withCount, stale),
  };
  const times = await interleaved(steps, REPS);

  // The same SQL as the service's list() for this filter and order (SORT_SQL.LAST_USED_AT), with the plan PostgreSQL picks.
  const q = new SqlParams();
  const where = [`ap.tenant_id = ${q.p(seeded.big.tenantId)}`, ...filterConditions(q, staleFilter as AppPasswordFilter)];
  const sortKey = `coalesce(ap.last_used_at, '-infinity'::timestamptz)`;
  const { rows: plan } = await sql.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, COSTS OFF)
     SELECT ap.id, ap.tenant_id, ap.user_id, ap.name, ap.created_at, ap.expires_at, ap.last_used_at, host(ap.last_used_ip) AS last_used_ip,
            ${sortKey}::text AS sort_key, u.email AS owner_email, u.display_name AS owner_display_name
       FROM app_passwords ap
       JOIN users u ON u.id = ap.user_id
      WHERE ${where.join(' AND ')}
      ORDER BY ${sortKey} ASC, ap.id ASC
      LIMIT ${q.p(PAGE + 1)}`,
    q.values,
  );
  const planLines = plan.map((r) => r['QUERY PLAN']);
  return {
    deepRow,
    firstMs: percentile(times.first, 50),
    deepMs: percentile(times.deep, 50),
    firstPageMs: percentile(times.firstPage, 50),
    deepPageMs: percentile(times.deepPage, 50),
    staleMs: percentile(times.stale, 50),
    staleTotal: `${staleCheck.appPasswords.totalCountIsEstimate ? '≈' : ''}${staleCheck.appPasswords.totalCount}`,
    planLines,
    usesIndex: planLines.some((line) => line.includes(STALE_INDEX)),
  };
}

/** Runs every step once per round, in an order that rotates each round; 5 unmeasured rounds first. */
async function interleaved<K extends string>(
  steps: Record<K, () => Promise<{ ms: number }>>,
  rounds: number,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(steps) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = -5; round < rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(round + 5 + i) % keys.length]!;
      const { ms } = await steps[key]();
      if (round >= 0) times[key].push(ms);
    }
  }
  return times;
}

/**
 * revokeAppPasswords(userIds: all 1 000 users of the small tenant) through
 * GraphQL, one request; the baseline is a bare DELETE of the same rows in a
 * transaction that is rolled back (what the rows cost PostgreSQL without the
 * audit events and the API).
 */
async function bulkRevoke(client: BenchClient, sql: pg.Client, seeded: ScaleSeed) {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM users WHERE tenant_id = $1 AND role = 'USER'`, [seeded.small.tenantId]);
  const userIds = rows.map((r) => r.id);
  const expected = seeded.small.appPasswords;

  await sql.query('BEGIN');
  const bareStart = performance.now();
  const bare = await sql.query('DELETE FROM app_passwords WHERE tenant_id = $1 AND user_id = ANY($2::uuid[])', [
    seeded.small.tenantId,
    userIds,
  ]);
  const bareMs = performance.now() - bareStart;
  await sql.query('ROLLBACK');
  if (bare.rowCount !== expected) throw new Error(`The bare DELETE removed ${bare.rowCount} rows, not ${expected}.`);

  const { data, ms } = await client.timed(print(consoleOperation('RevokeAppPasswords')), { input: { userIds, reason: 'bench' } });
  if (data.revokeAppPasswords.count !== expected) throw new Error(`Bulk revoke revoked ${data.revokeAppPasswords.count}, not ${expected}.`);
  const { rows: audit } = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = $2',
    [seeded.small.tenantId, AuditAction.APP_PASSWORD_REVOKED],
  );
  if (audit[0]!.n !== expected) throw new Error(`Bulk revoke wrote ${audit[0]!.n} audit events, not ${expected}.`);
  return { users: userIds.length, rows: expected, ms, bareMs };
}

/**
 * GET /export/sign-ins.csv of the big tenant on a freshly started server,
 * counting rows as they arrive, while sampling the server's RSS every 50 ms.
 * The baseline streams the export's own SQL straight from PostgreSQL with
 * pg-query-stream in this process (no CSV, no HTTP), before and after.
 */
async function csvExport(start: () => Promise<ServerHandle>, sql: pg.Client, seeded: ScaleSeed) {
  const q = new SqlParams();
  const query = `${SIGN_IN_SELECT} WHERE ${signInConditions(q, seeded.big.tenantId, undefined).join(' AND ')} ORDER BY s.occurred_at, s.id`;
  const raw = async () => {
    const started = performance.now();
    let rows = 0;
    for await (const _row of sql.query(new QueryStream(query, q.values, { batchSize: 1000 }))) rows++;
    return { rows, rowsPerSecond: rows / ((performance.now() - started) / 1000) };
  };

  const server = await start();
  try {
    const client = await BenchClient.signIn(server.url, seeded.bigAdmin);
    // Warm-up: an export that matches nothing.
    await download(`${server.url}/export/sign-ins.csv?from=${encodeURIComponent(new Date().toISOString())}`, client.cookie);
    const rawBefore = await raw();

    const before = await server.stats();
    let peakRss = before.rssBytes;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, (await server.stats()).rssBytes);
        await sleep(50);
      }
    })();
    const started = performance.now();
    const result = await download(`${server.url}/export/sign-ins.csv`, client.cookie);
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const after = await server.stats();

    const rawAfter = await raw();
    const rows = result.lines - 1; // the header
    // The seeded events and the admin's own console sign-ins, which the log records too (in batches: some may land during the export).
    if (result.status !== 200 || rows < Math.max(rawBefore.rows, seeded.big.signInEvents) || rows > rawAfter.rows) {
      throw new Error(
        `The export answered ${result.status} with ${rows} rows, not ${rawBefore.rows}–${rawAfter.rows} (${seeded.big.signInEvents} seeded).`,
      );
    }
    return {
      rows,
      bytes: result.bytes,
      seconds,
      rowsPerSecond: rows / seconds,
      rawRowsPerSecond: (rawBefore.rowsPerSecond + rawAfter.rowsPerSecond) / 2,
      rssBefore: before.rssBytes,
      peakRss,
      maxRssBefore: before.maxRssBytes,
      maxRssAfter: after.maxRssBytes,
    };
  } finally {
    await server.stop();
  }
}

/** GETs url with the session cookie, counting bytes and line ends as they arrive (every CSV record ends in CRLF). */
function download(url: string, cookie: string): Promise<{ status: number; lines: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        let lines = 0;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function report(
  seeded: ScaleSeed,
  inventory: Awaited<ReturnType<typeof inventoryPages>>,
  revoke: Awaited<ReturnType<typeof bulkRevoke>>,
  exported: Awaited<ReturnType<typeof csvExport>>,
): Table {
  const count = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
  const deepRatio = inventory.deepMs / inventory.firstMs;
  const microsPerRow = (revoke.ms * 1000) / revoke.rows;
  const bareMicrosPerRow = (revoke.bareMs * 1000) / revoke.rows;
  const exportRatio = exported.rowsPerSecond / exported.rawRowsPerSecond;
  return {
    title: [
      `Tenant admins at scale — ${count(seeded.big.appPasswords)} app passwords (${count(seeded.big.users)} users × ${PER_USER}) and ${count(seeded.big.signInEvents)} sign-in events in one tenant, seeded in ${Math.round(seeded.seconds)} s`,
      `inventory: the console's AdminAppPasswords query (with totalCount), ${PAGE} per page, as a TENANT_ADMIN session; medians of ${REPS} rounds, interleaved`,
    ],
    rows: [
      [
        `5. inventory page at row ${count(inventory.deepRow)} ÷ first page`,
        `${fixed(deepRatio)}  (${ms(inventory.deepMs)} / ${ms(inventory.firstMs)}; page alone, no totalCount: ${fixed(inventory.deepPageMs / inventory.firstPageMs)} = ${ms(inventory.deepPageMs)} / ${ms(inventory.firstPageMs)})`,
        '≤ 2',
        passOrMiss(deepRatio <= 2),
      ],
      [
        '6. "not used for 90 days" page, LAST_USED_AT ASC',
        `${ms(inventory.staleMs)} median (${fixed(inventory.staleMs / inventory.firstMs)}× the first page; ${inventory.staleTotal} match); plan ${inventory.usesIndex ? 'uses' : 'does NOT use'} ${STALE_INDEX}`,
        'index used',
        passOrMiss(inventory.usesIndex),
      ],
      [
        `7. bulk revoke, ${count(revoke.rows)} app passwords of ${count(revoke.users)} users`,
        `${fixed(microsPerRow, 1)} µs/row  (${ms(revoke.ms)} for one revokeAppPasswords; bare DELETE ${fixed(bareMicrosPerRow, 1)} µs/row, ${fixed(microsPerRow / bareMicrosPerRow, 1)}×)`,
        '≤ 30 µs/row',
        passOrMiss(microsPerRow <= 30),
      ],
      [
        '8a. CSV export rows/s ÷ raw query stream',
        `${fixed(exportRatio)}  (${count(Math.round(exported.rowsPerSecond))} / ${count(Math.round(exported.rawRowsPerSecond))} rows/s; ${count(exported.rows)} rows, ${mib(exported.bytes)} in ${fixed(exported.seconds, 1)} s)`,
        '–',
        'info',
      ],
      [
        '8b. server RSS during the export',
        `peak ${mib(exported.peakRss)} vs ${mib(exported.rssBefore)} before (${fixed(exported.peakRss / exported.rssBefore)}×, sampled every 50 ms); maxRSS ${mib(exported.maxRssBefore)} → ${mib(exported.maxRssAfter)}`,
        '–',
        'info',
      ],
    ],
    notes: [`plan of the "not used for 90 days" page (EXPLAIN ANALYZE of the service's SQL):`, ...inventory.planLines.map((l) => `  ${l}`)],
  };
}
