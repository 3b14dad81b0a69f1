import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../server/src/db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/src/db/embedded-postgres.js';
import {
  basic,
  checkBasic,
  createAppPassword,
  graphqlWithAuthorization,
  mapLimit,
  outcomesOf,
  randomIp,
  randomSecret,
  storedSignInEventsByIp,
} from '../support/app-passwords.js';
import { dataOf } from '../support/admin.js';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startServerProcess, stopServerProcesses, type ServerProcess } from '../support/server-process.js';
import { VIEWER_ID } from '../support/operations.js';
import { SignInDocument } from '@app-passwords/schema';
/**
 * A PostgreSQL of its own (the run's database, or the machine's, must stay
 * up for the other tests), restarted under a running server process.
 */
let dir: string;
let postgres: EmbeddedPostgres;
let port: number;
let db: DataSource;
let server: ServerProcess;

/** If this worker dies without afterAll, the postmaster must not outlive it: SIGINT is PostgreSQL's fast shutdown. */
function stopPostmasterNow(): void {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
  } catch {
    // not running
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'app-passwords-restart-'));
  await chmod(dir, 0o755); // the postgres OS user must traverse it when we run as root
  process.once('exit', stopPostmasterNow);
  postgres = await startEmbeddedPostgres(dir, () => undefined);
  port = Number(new URL(postgres.url).port);
  server = await startServerProcess({
    databaseUrl: postgres.url, // migrated by the server as it starts
    lookupKey: randomBytes(32).toString('hex'),
    env: { TRUSTED_PROXIES: '127.0.0.1' },
  });
  db = createDataSource(postgres.url, 2);
  await db.initialize();
});
afterAll(async () => {
  await stopServerProcesses();
  await db?.destroy().catch(() => undefined);
  await postgres?.stop();
  process.off('exit', stopPostmasterNow);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch((error: unknown) => error as T);
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Each kind of request in a loop until stopped; the statuses each got (a network error fails the test). */
function backgroundTraffic<K extends string>(kinds: Record<K, () => Promise<{ status: number }>>) {
  let running = true;
  const seen = Object.fromEntries(Object.keys(kinds).map((k) => [k, new Set<number | string>()])) as Record<K, Set<number | string>>;
  const loops = (Object.keys(kinds) as K[]).map(async (kind) => {
    while (running) {
      const status = await kinds[kind]().then(
        (r) => r.status,
        (error: unknown) => `network error: ${String(error)}`,
      );
      seen[kind].add(status);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return seen;
    },
  };
}

const health = async () => (await fetch(`${server.url}/healthz`)).status;
const readiness = async () => (await fetch(`${server.url}/readyz`)).status;

describe('PostgreSQL restarts while the server runs', () => {
  it('refuses everything with 503 while it is away, lets nobody in, and recovers without a server restart', async () => {
    const tenant = await createTenant(db);
    const user = await createUser(db, tenant);
    const appPassword = await createAppPassword(server, user);
    const session = appPassword.console;
    const authorization = basic(user.email, appPassword.password);
    const ip = randomIp();
    expect((await checkBasic(server, authorization, { ip })).status).toBe(204);
    expect((await checkBasic(server, authorization, { ip })).status).toBe(204); // now remembered: no argon2, only PostgreSQL

    // Traffic throughout, so some requests are in flight as connections drop and come back.
    const traffic = backgroundTraffic({
      remembered: () => checkBasic(server, authorization, { ip: randomIp() }),
      unknown: () => checkBasic(server, basic(`nobody-${randomSecret()}@example.test`, randomSecret()), { ip: randomIp() }),
      console: () => session.request(VIEWER_ID),
    });

    await postgres.stop();

    // /auth/basic: the remembered app password, a wrong one, and a burst of both: 503 with Retry-After, never 204, never 401.
    const warm = await checkBasic(server, authorization, { ip });
    expect([warm.status, warm.headers.get('retry-after')]).toEqual([503, '5']);
    expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(503);
    const burst = await mapLimit(Array.from({ length: 30 }), 10, async (_, i) =>
      i % 3 === 0 ? (await checkBasic(server, basic(user.email, randomSecret()))).status : (await checkBasic(server, authorization)).status,
    );
    expect(new Set(burst)).toEqual(new Set([503]));

    // GraphQL: the console's session, an app's Basic credentials, and a new sign-in.
    const outcomes = [
      await session.request(VIEWER_ID),
      await graphqlWithAuthorization(server, authorization, VIEWER_ID),
      await new GraphQLClient(server.url).request(SignInDocument, {
        input: { email: user.email, password: user.password },
      }),
    ];
    for (const result of outcomes) {
      expect(result.status).toBe(503);
      expect(GraphQLClient.code(result)).toBe('SERVICE_UNAVAILABLE');
      expect(result.headers.get('retry-after')).toBe('5');
      expect(result.data ?? null).toBeNull();
      expect(result.body).not.toMatch(/ECONNREFUSED|postgres|connect/i);
    }
    // Not ready (the load balancer sends traffic elsewhere), but alive (no restart wanted).
    expect(await readiness()).toBe(503);
    expect(await health()).toBe(200);
    expect(server.running()).toBe(true);

    postgres = await startEmbeddedPostgres(dir, () => undefined, { port });

    // The same process, without a restart: its pool reconnects on the next request.
    expect(await eventually(readiness, (status) => status === 200)).toBe(200);
    expect((await checkBasic(server, authorization, { ip })).status).toBe(204);
    expect(dataOf(await session.request(VIEWER_ID)).viewer).toEqual({ id: user.id });
    expect(dataOf(await (await signedInClient(server, user)).request(VIEWER_ID)).viewer).toEqual({ id: user.id });
    expect((await checkBasic(server, basic(user.email, appPassword.password), { ip: randomIp() })).status).toBe(204);
    expect(server.running()).toBe(true);

    // In flight or not: each answer was right for its moment, and none was an error of ours or a dropped connection.
    const seen = await traffic.stop();
    const except = (statuses: Set<number | string>, ...allowed: number[]) => [...statuses].filter((s) => !allowed.includes(s as number));
    expect({
      remembered: except(seen.remembered, 204, 503),
      unknown: except(seen.unknown, 401, 503),
      console: except(seen.console, 200, 503),
    }).toEqual({ remembered: [], unknown: [], console: [] });
    // And the traffic did run into the outage.
    expect([seen.remembered.has(503), seen.unknown.has(503), seen.console.has(503)]).toEqual([true, true, true]);

    // No sign-in is missing from the log: those before the outage and the one after it.
    const rows = await eventually(
      () => storedSignInEventsByIp(db, ip),
      (r) => outcomesOf(r).length >= 3,
    );
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(server.output()).not.toContain(appPassword.password);
  }, 60_000);
});
