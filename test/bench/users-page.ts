/**
 * Figure 13: the admins' users page at scale. One tenant with 100 000 users
 * (a quarter of them with an app password, so the per-user count has rows to
 * count), measured through the real API as the console asks: the page after a
 * cursor at row 90 000 ÷ the first page, and a prefix search. See README.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { print } from 'graphql';
import pg from 'pg';
import { createServices, entities } from '../../server/src/services.js';
import { encodeCursor } from '../../server/src/common/pagination.js';
import { createLogger } from '../../server/src/common/logger.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { OPERATOR } from '../../server/src/modules/audit/audit.service.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { BenchClient, consoleOperation } from './graphql.js';
import { percentile } from './load-generator.js';
import type { Credential } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import { fixed, ms, passOrMiss, type Table } from './table.js';

const USERS = Number(process.env.BENCH_USERS_PAGE_USERS ?? 100_000);
const REPS = Number(process.env.BENCH_PAGE_REPS ?? 50);
const PAGE = 50;
/** The deep page starts after this row (90 000 of 100 000). */
const DEEP = 0.9;

export interface UsersSeed {
  tenantId: string;
  admin: Credential;
  users: number;
  seconds: number;
}

/**
 * The tenant and its users in a few set-based statements (no passwords: the
 * page never reads them), the admin through the real service, then VACUUM
 * ANALYZE so the planner knows the tables' size.
 */
export async function seedUsers(url: string, lookupKey: Buffer, log: (line: string) => void): Promise<UsersSeed> {
  const started = performance.now();
  const db = createDataSource(url, 2, { entities });
  await db.initialize();
  const services = createServices(db, { appPasswordLookupKey: lookupKey, appPasswordCacheTtlSeconds: 300 }, createLogger('silent'));
  try {
    log(`bench: seeding ${USERS} users in one tenant …`);
    const tenant = await services.tenants.create(`Bench users ${randomUUID()}`);
    const tag = randomBytes(4).toString('hex');
    // As the schema owner: one statement each, like the demo seed's bulk inserts.
    await db.query(
      `INSERT INTO users (tenant_id, email, display_name, role, source, last_sign_in_at)
       SELECT $1::uuid, format('user-%s-%s@users.example.test', lpad(i::text, 6, '0'), $2::text), format('Person %s', i), 'USER',
              'local', CASE WHEN i % 3 = 0 THEN now() - make_interval(mins => i) END
         FROM generate_series(1, $3::int) AS i`,
      [tenant.id, tag, USERS],
    );
    await db.query(
      `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag)
       SELECT u.tenant_id, u.id, 'Phone', 'not-a-hash', sha256(u.id::text::bytea)
         FROM users u WHERE u.tenant_id = $1 AND right(u.display_name, 1) IN ('0', '4')`,
      [tenant.id],
    );
    const email = `bench-users-admin-${randomUUID()}@example.test`;
    const password = randomBytes(12).toString('hex');
    const admin = await services.users.create({ tenantId: tenant.id, email, role: Role.TENANT_ADMIN, password });
    const twoStep = await services.twoStep.enrollWithoutCode(admin, OPERATOR);
    await db.query('VACUUM ANALYZE users, app_passwords');
    return {
      tenantId: tenant.id,
      admin: { email, password, totpSecret: twoStep!.secret },
      users: USERS + 1,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await services.signInLog.close();
    await db.destroy();
  }
}

/** The console's AdminUsers query: first page, the page after row DEEP × users, and a prefix search; interleaved, medians. */
export async function usersPageFigures(
  start: () => Promise<ServerHandle>,
  url: string,
  seeded: UsersSeed,
  log: (line: string) => void,
): Promise<Table> {
  const sql = new pg.Client(url);
  await sql.connect();
  const server = await start();
  try {
    log(`bench: users pages, ${REPS} repetitions each …`);
    const client = await BenchClient.signIn(server.url, seeded.admin);
    const query = print(consoleOperation('AdminUsers'));
    const deepRow = Math.round((seeded.users - 1) * DEEP);
    const { rows: around } = await sql.query<{ key: string; id: string }>(
      `SELECT lower(email) AS key, id FROM users WHERE tenant_id = $1 ORDER BY lower(email), id OFFSET $2 LIMIT 2`,
      [seeded.tenantId, deepRow - 1],
    );
    const first = { first: PAGE };
    const deep = { first: PAGE, after: encodeCursor(around[0]!.key, around[0]!.id) };
    const prefix = { first: PAGE, filter: { startsWith: 'person 4567' } };

    // The deep page must really be the page after row deepRow.
    const check = await client.request(query, deep);
    const edges = check.users.edges as Array<{ node: { id: string } }>;
    if (edges.length !== PAGE || edges[0]!.node.id !== around[1]!.id) {
      throw new Error(
        `The users page after row ${deepRow} starts at ${edges[0]?.node.id} (${edges.length} rows), not at ${around[1]!.id}.`,
      );
    }
    const found = (await client.request(query, prefix)).users.edges.length;
    if (found !== 11) throw new Error(`The prefix search found ${found} users, not 11 (Person 4567 and 45670–45679).`);

    const steps = {
      first: () => client.timed(query, first),
      deep: () => client.timed(query, deep),
      prefix: () => client.timed(query, prefix),
    };
    const times: Record<keyof typeof steps, number[]> = { first: [], deep: [], prefix: [] };
    const keys = Object.keys(steps) as Array<keyof typeof steps>;
    for (let round = -5; round < REPS; round++) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[(round + 5 + i) % keys.length]!;
        const { ms: took } = await steps[key]();
        if (round >= 0) times[key].push(took);
      }
    }
    const [firstMs, deepMs, prefixMs] = [percentile(times.first, 50), percentile(times.deep, 50), percentile(times.prefix, 50)];
    const ratio = deepMs / firstMs;
    const count = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
    return {
      title: [
        `Admins' users page — ${count(seeded.users)} users in one tenant, seeded in ${Math.round(seeded.seconds)} s`,
        `the console's AdminUsers query (${PAGE} per page, with app-password counts) as a TENANT_ADMIN session; medians of ${REPS} rounds, interleaved`,
      ],
      rows: [
        [
          `13. users page at row ${count(deepRow)} ÷ first page`,
          `${fixed(ratio)}  (${ms(deepMs)} / ${ms(firstMs)})`,
          '≤ 2',
          passOrMiss(ratio <= 2),
        ],
        [
          '13b. prefix search "person 4567" (11 users)',
          `${ms(prefixMs)} median (${fixed(prefixMs / firstMs)}× the first page)`,
          '–',
          'info',
        ],
      ],
      notes: [],
    };
  } finally {
    await server.stop();
    await sql.end();
  }
}
