/**
 * Figures 1–4: how fast apps sign in at `/auth/basic` — warm (cache on)
 * against a bare node:http server, cold (cache off) against a bare argon2id
 * verify. See README.md beside it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createServices, entities, type Services } from '../../server/src/services.js';
import { ARGON2_OPTIONS, hashSecret, verifySecret } from '../../server/src/common/argon2.js';
import { createLogger } from '../../server/src/common/logger.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { basicRequest, Connection, percentile, runLoad } from './load-generator.js';
import type { ServerMode, ServerStats } from './server-process.js';
import type { ServerHandle } from './start-server.js';
import { fixed, mib, micros, ms, type Row, type Table } from './table.js';

/**
 * Warm load levels (keep-alive connections). Requests per second is a capacity, so each server is
 * measured where it is saturated: the bare server already is at the lowest level; the app batches
 * its PostgreSQL confirmations, and how much it can batch depends on how many requests are waiting.
 */
const CONNECTION_LEVELS = (process.env.BENCH_CONNECTIONS ?? '16,64,256').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_SECONDS ?? 3) * 1000;
const WARMUP_MS = 1000;
/** Before a server's first round: long enough for V8 to optimise the hot path. */
const FIRST_WARMUP_MS = 3000;
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 60);
/** Users with one app password each: the warm load spreads over them, like several apps behind one proxy. */
const WARM_USERS = 8;
const MANY = 40;
/** As a mail server's passdb asks it: the service named (app passwords of the bench have every service). */
const PATH = '/auth/basic?service=imap';

/** Whoever may create app passwords, as the service declares it. */
type Owner = Parameters<Services['appPasswordCreation']['create']>[0];

export interface Credential {
  email: string;
  password: string;
  /** An admin's authenticator app (base32): signing in to the console takes its code. */
  totpSecret?: string;
}

export type SignInSeed = Awaited<ReturnType<typeof seedSignIn>>;

/** Starts a server for these figures: `bare`, or the app with the given cache TTL. */
export type StartServer = (mode: ServerMode, cacheTtlSeconds?: number) => Promise<ServerHandle>;

/** Figures 1–4: warm rounds (bare and app side by side), then cold checks. */
export async function signInFigures(
  start: StartServer,
  seeded: SignInSeed,
  pgCpu: () => number | undefined,
  log: (line: string) => void,
): Promise<Table> {
  const bareServer = await start('bare');
  const appServer = await start('app', 300);
  const levels: WarmLevel[] = [];
  for (const [i, connections] of CONNECTION_LEVELS.entries()) {
    log(`bench: bare node:http and warm /auth/basic (cache TTL 300 s), ${connections} connections, ${ROUNDS} alternating rounds …`);
    levels.push(await warmRounds(bareServer, appServer, seeded.warm, connections, i === 0, pgCpu));
  }
  await Promise.all([bareServer.stop(), appServer.stop()]);
  log(`bench: /auth/basic cold (cache TTL 0), ${COLD_ROUNDS} rounds …`);
  const cold = await coldChecks(await start('app', 0), seeded);
  return report(levels, cold);
}

/**
 * One tenant with app passwords on: WARM_USERS users with one app password
 * each, and one user with MANY (whose primary password the console figures use).
 */
export async function seedSignIn(url: string, lookupKey: Buffer) {
  const db = createDataSource(url, 2, { entities });
  await db.initialize();
  const services = createServices(db, { appPasswordLookupKey: lookupKey, appPasswordCacheTtlSeconds: 0 }, createLogger('silent'));
  try {
    const tenant = await services.tenants.create(`Bench ${randomUUID()}`, {
      appPasswordsEnabled: true,
      requireTwoStepForAppPasswords: false,
    });
    const user = async (appPasswords: number) => {
      const email = `bench-${randomUUID()}@example.test`;
      const password = randomBytes(12).toString('hex');
      const created = await services.users.create({ tenantId: tenant.id, email, role: Role.USER, password });
      const actor: Owner = {
        userId: created.id,
        tenantId: tenant.id,
        role: Role.USER,
        signedInWith: 'session',
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
      const passwords: Credential[] = [];
      for (let i = 0; i < appPasswords; i++)
        passwords.push({ email, password: await createAppPassword(services, actor, `Device ${i + 1}`) });
      return { primary: { email, password }, appPasswords: passwords };
    };
    const warm: Credential[] = [];
    for (let i = 0; i < WARM_USERS; i++) warm.push(...(await user(1)).appPasswords);
    const many = await user(MANY);
    return { warm, one: warm[0]!, many: many.appPasswords, person: many.primary };
  } finally {
    await services.signInLog.close();
    await db.destroy();
  }
}

async function createAppPassword(services: Services, actor: Owner, name: string): Promise<string> {
  return (await services.appPasswordCreation.create(actor, { name }, { clientIp: null, userAgent: null })).password;
}

/** One measured window of closed-loop load against one server. */
interface WarmSample {
  requestsPerSecond: number;
  seconds: number;
  ok: number;
  failed: number;
  statuses: Map<number | string, number>;
  serverUserMicros: number;
  serverSystemMicros: number;
  postgresMicros: number | undefined;
  loadMicros: number;
  latenciesMs: Float64Array;
}

interface WarmResult {
  /** All rounds together: requests ÷ seconds. */
  requestsPerSecond: number;
  ok: number;
  failed: number;
  statuses: Map<number | string, number>;
  serverCpuMicrosPerRequest: number;
  serverSystemCpuMicrosPerRequest: number;
  postgresCpuMicrosPerRequest: number | undefined;
  loadCpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  maxRssBytes: number;
  signIn: ServerStats['signIn'];
}

/** Fills the app's cache: one (cold) check per credential, before any load. */
async function prime(server: ServerHandle, requests: Buffer[]): Promise<void> {
  const connection = await Connection.open(server.port);
  for (const request of requests) {
    const status = await connection.request(request);
    if (status !== 204) throw new Error(`The first check of a seeded app password answered ${status}, not 204.`);
  }
  connection.close();
}

async function warmSample(
  server: ServerHandle,
  requests: Buffer[],
  connections: number,
  warmupMs: number,
  pgCpu: () => number | undefined,
): Promise<WarmSample> {
  const result = await runLoad({
    port: server.port,
    requests,
    connections,
    warmupMs,
    measureMs: MEASURE_MS,
    probe: async () => ({ server: await server.stats(), postgres: pgCpu(), load: process.cpuUsage() }),
  });
  const { before, after } = result;
  const load = process.cpuUsage(before.load);
  return {
    requestsPerSecond: result.ok / result.seconds,
    seconds: result.seconds,
    ok: result.ok,
    failed: result.failed,
    statuses: result.statuses,
    serverUserMicros: after.server.cpuUserMicros - before.server.cpuUserMicros,
    serverSystemMicros: after.server.cpuSystemMicros - before.server.cpuSystemMicros,
    postgresMicros: before.postgres === undefined || after.postgres === undefined ? undefined : after.postgres - before.postgres,
    loadMicros: load.user + load.system,
    latenciesMs: result.latenciesMs,
  };
}

function summarise(samples: WarmSample[], last: ServerStats): WarmResult {
  const sum = (f: (s: WarmSample) => number) => samples.reduce((total, s) => total + f(s), 0);
  const requests = Math.max(
    1,
    sum((s) => s.ok + s.failed),
  );
  const statuses = new Map<number | string, number>();
  for (const s of samples) for (const [status, n] of s.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  const latencies = Float64Array.from(samples.flatMap((s) => [...s.latenciesMs]));
  return {
    requestsPerSecond: sum((s) => s.ok) / sum((s) => s.seconds),
    ok: sum((s) => s.ok),
    failed: sum((s) => s.failed),
    statuses,
    serverCpuMicrosPerRequest: sum((s) => s.serverUserMicros + s.serverSystemMicros) / requests,
    serverSystemCpuMicrosPerRequest: sum((s) => s.serverSystemMicros) / requests,
    postgresCpuMicrosPerRequest: samples.some((s) => s.postgresMicros === undefined) ? undefined : sum((s) => s.postgresMicros!) / requests,
    loadCpuMicrosPerRequest: sum((s) => s.loadMicros) / requests,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    maxRssBytes: last.maxRssBytes,
    signIn: last.signIn,
  };
}

/** Both servers at one load level. */
interface WarmLevel {
  connections: number;
  bare: WarmResult;
  warm: WarmResult;
  /** app ÷ bare, round by round. */
  ratios: number[];
}

/**
 * Bare node:http and the warm app, both running, measured at one load level
 * in alternating rounds (bare–app, app–bare, …) so that anything else slowing
 * the machine down for a while hits both alike.
 */
async function warmRounds(
  bareServer: ServerHandle,
  appServer: ServerHandle,
  credentials: Credential[],
  connections: number,
  first: boolean,
  pgCpu: () => number | undefined,
): Promise<WarmLevel> {
  const target = (server: ServerHandle) => ({
    server,
    requests: credentials.map((c) => basicRequest(server.port, PATH, c.email, c.password)),
    samples: [] as WarmSample[],
  });
  const all = { bare: target(bareServer), app: target(appServer) };
  if (first) await prime(appServer, all.app.requests);
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? [all.bare, all.app] : [all.app, all.bare]) {
      t.samples.push(await warmSample(t.server, t.requests, connections, first && round === 0 ? FIRST_WARMUP_MS : WARMUP_MS, pgCpu));
    }
  }
  const ratios = all.app.samples.map((s, i) => s.requestsPerSecond / all.bare.samples[i]!.requestsPerSecond);
  return {
    connections,
    bare: summarise(all.bare.samples, await bareServer.stats()),
    warm: summarise(all.app.samples, await appServer.stats()),
    ratios,
  };
}

interface ColdResult {
  oneMs: number;
  manyMs: number;
  argon2Ms: number;
  checks: number;
  signIn: ServerStats['signIn'];
  maxRssBytes: number;
}

/**
 * Sequential checks against a server whose cache is off, so every one is cold,
 * interleaved round by round with a bare argon2 verify in this process; the
 * order rotates each round so no kind of measurement always goes first.
 */
async function coldChecks(server: ServerHandle, seeded: { one: Credential; many: Credential[] }): Promise<ColdResult> {
  try {
    const connection = await Connection.open(server.port);
    const check = async (c: Credential) => {
      const start = performance.now();
      const status = await connection.request(basicRequest(server.port, PATH, c.email, c.password));
      const elapsed = performance.now() - start;
      if (status !== 204) throw new Error(`A cold check of a seeded app password answered ${status}, not 204.`);
      return elapsed;
    };
    const secret = 'abcdefghijklmnopqrstuvwxyzab';
    const hash = await hashSecret(secret);
    const verify = async () => {
      const start = performance.now();
      const ok = await verifySecret(hash, secret);
      const elapsed = performance.now() - start;
      if (!ok) throw new Error('A bare argon2 verify of the right secret failed.');
      return elapsed;
    };

    // Warm-up, unmeasured: every app password once (this also sets its last-used time, written at most once a minute).
    for (const c of [seeded.one, ...seeded.many]) await check(c);
    for (let i = 0; i < 5; i++) await verify();

    const one: number[] = [];
    const many: number[] = [];
    const argon2: number[] = [];
    const steps = [
      async () => one.push(await check(seeded.one)),
      async (round: number) => many.push(await check(seeded.many[round % MANY]!)),
      async () => argon2.push(await verify()),
    ];
    for (let round = 0; round < COLD_ROUNDS; round++) {
      for (let k = 0; k < steps.length; k++) await steps[(round + k) % steps.length]!(round);
    }
    connection.close();
    const stats = await server.stats();
    return {
      oneMs: percentile(one, 50),
      manyMs: percentile(many, 50),
      argon2Ms: percentile(argon2, 50),
      checks: one.length + many.length,
      signIn: stats.signIn,
      maxRssBytes: stats.maxRssBytes,
    };
  } finally {
    await server.stop();
  }
}

/** CPU time of the embedded postmaster and all its processes, in microseconds (Linux /proc); undefined when not known. */
export function postgresCpuMicros(pidFile: string | undefined): number | undefined {
  if (!pidFile || process.platform !== 'linux') return undefined;
  try {
    const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return (ticks * 1_000_000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function report(levels: WarmLevel[], cold: ColdResult): Table {
  const ratio = (a: number, b: number) => a / b;
  const peak = (of: (level: WarmLevel) => WarmResult) =>
    levels.reduce((best, level) => (of(level).requestsPerSecond > of(best).requestsPerSecond ? level : best));
  // Each server at its own best level; CPU and latency at the app's, with the bare server's beside them.
  const appPeak = peak((l) => l.warm);
  const barePeak = peak((l) => l.bare);
  const { warm, bare } = appPeak;

  const warmRatio = ratio(warm.requestsPerSecond, barePeak.bare.requestsPerSecond);
  const manyRatio = ratio(cold.manyMs, cold.oneMs);
  const argon2Ratio = ratio(cold.oneMs, cold.argon2Ms);
  const rows: Row[] = [
    [
      '1. warm /auth/basic req/s ÷ bare node:http',
      `${fixed(warmRatio)}  (${Math.round(warm.requestsPerSecond)} req/s at ${appPeak.connections} connections / ${Math.round(barePeak.bare.requestsPerSecond)} at ${barePeak.connections})`,
      '≥ 0.50',
      warmRatio >= 0.5 ? 'PASS' : 'MISS',
    ],
    [
      `2. cold check, ${MANY} app passwords ÷ 1`,
      `${fixed(manyRatio)}  (${ms(cold.manyMs)} / ${ms(cold.oneMs)} median)`,
      '≤ 1.15',
      manyRatio <= 1.15 ? 'PASS' : 'MISS',
    ],
    [
      '3. cold check ÷ bare argon2id verify',
      `${fixed(argon2Ratio)}  (${ms(cold.oneMs)} / ${ms(cold.argon2Ms)} median)`,
      '≤ 1.30',
      argon2Ratio <= 1.3 ? 'PASS' : 'MISS',
    ],
    [
      '4a. server CPU per warm request',
      `${micros(warm.serverCpuMicrosPerRequest)}, ${micros(warm.serverSystemCpuMicrosPerRequest)} of it in the kernel  (bare ${micros(bare.serverCpuMicrosPerRequest)}, ${fixed(ratio(warm.serverCpuMicrosPerRequest, bare.serverCpuMicrosPerRequest), 1)}×)`,
      '–',
      'info',
    ],
    [
      '4b. warm latency p50 / p99',
      `${ms(warm.p50)} / ${ms(warm.p99)} at ${appPeak.connections} connections  (bare ${ms(bare.p50)} / ${ms(bare.p99)})`,
      '–',
      'info',
    ],
    [
      '4c. peak RSS of the server process',
      `${mib(warm.maxRssBytes)} warm, ${mib(cold.maxRssBytes)} cold  (bare ${mib(bare.maxRssBytes)}, same TS loader)`,
      '–',
      'info',
    ],
  ];
  const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_OPTIONS;
  const notes = [
    ...levels.map(
      (l) =>
        `warm at ${String(l.connections).padStart(3)} connections: app ÷ bare ${fixed(percentile(l.ratios, 50))} (rounds ${l.ratios.map((r) => fixed(r)).join(' ')}; ` +
        `${Math.round(l.warm.requestsPerSecond)} / ${Math.round(l.bare.requestsPerSecond)} req/s), app p50 / p99 ${ms(l.warm.p50)} / ${ms(l.warm.p99)}, ` +
        `app CPU ${micros(l.warm.serverCpuMicrosPerRequest)}/request`,
    ),
    `context: PostgreSQL CPU per warm request ${micros(warm.postgresCpuMicrosPerRequest)}; load generator CPU per request ${micros(warm.loadCpuMicrosPerRequest)} (bare ${micros(bare.loadCpuMicrosPerRequest)})`,
    `context: warm server did ${warm.signIn?.argon2Verifications} argon2 verifies and ${warm.signIn?.cacheHits} cache hits; cold server ${cold.signIn?.argon2Verifications} verifies for ${cold.checks + 1 + MANY} checks`,
  ];
  for (const l of levels) {
    for (const [name, r] of [
      ['bare', l.bare],
      ['warm', l.warm],
    ] as const) {
      if (r.failed > 0)
        notes.push(
          `warning: ${name} load at ${l.connections} connections had ${r.failed} failed requests: ${JSON.stringify([...r.statuses])}`,
        );
    }
  }
  return {
    title: [
      `App-password sign-in benchmark — ${availableParallelism()} cores, Node ${process.version}, argon2id m=${m} t=${t} p=${p}`,
      `warm: ${CONNECTION_LEVELS.join(' / ')} keep-alive connections, ${ROUNDS} rounds of ${MEASURE_MS / 1000} s per server and level, alternating; cold: ${COLD_ROUNDS} rounds, one check at a time`,
    ],
    rows,
    notes,
  };
}
