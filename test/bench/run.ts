/**
 * `pnpm bench`: how fast apps sign in at `/auth/basic` (figures 1–4), how a
 * tenant admin's pages hold up with a million app passwords (5–8), how
 * heavy and quick the console is (9–10), how fast GraphQL reads are
 * against the API they sit on (11), and how fast the webhook outbox
 * empties (15), each figure as a ratio to a baseline
 * measured in the same run on the same machine, or against an absolute
 * target where the issue sets one. A measurement, not a test: it exits 0
 * whether figures meet their targets or not, and only fails when something
 * breaks. See README.md beside it.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { cleanupFigures } from './cleanup.js';
import { consoleFigures, ensureConsoleBuilt, WEB_DIST } from './console.js';
import { openRunDatabase, type RunDatabase } from '../support/run-database.js';
import { dovecotFigures } from './dovecot.js';
import { graphqlFigures, seedGraphql } from './graphql-reads.js';
import { scaleFigures, seedScale } from './scale.js';
import { seedUsers, usersPageFigures } from './users-page.js';
import type { ServerMode } from './server-process.js';
import { postgresCpuMicros, seedSignIn, signInFigures } from './sign-in.js';
import { startServer } from './start-server.js';
import { formatTable, type Table } from './table.js';
import { webhookFigures } from './webhooks.js';

const skip = (name: string) => process.env[name] === '1';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const children = new Set<ChildProcess>();
  let database: RunDatabase | undefined;
  // The embedded PostgreSQL is a daemon in its own session: Ctrl-C must stop it too.
  const interrupted = async (signal: NodeJS.Signals) => {
    for (const child of children) child.kill('SIGKILL');
    await database?.dispose();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', (signal) => void interrupted(signal));
  process.once('SIGTERM', (signal) => void interrupted(signal));
  try {
    log(`bench: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`);
    // First, while nothing is being measured: building takes both cores for a while.
    const build = skip('BENCH_SKIP_CONSOLE') ? undefined : ensureConsoleBuilt(log);
    log(`bench: ${process.env.DATABASE_URL ? 'fresh database on DATABASE_URL' : 'embedded PostgreSQL'}; seeding …`);
    database = await openRunDatabase('bench');
    const lookupKey = randomBytes(32);
    const seeded = await seedSignIn(database.url, lookupKey);

    const start = (mode: ServerMode, cacheTtlSeconds = 0, env: Record<string, string> = {}) =>
      startServer(mode, children, {
        BENCH_DATABASE_URL: database!.url,
        BENCH_LOOKUP_KEY: lookupKey.toString('hex'),
        BENCH_CACHE_TTL_SECONDS: String(cacheTtlSeconds),
        ...env,
      });
    const pgCpu = () => postgresCpuMicros(database!.postmasterPidFile);

    const tables: Table[] = [];
    if (!skip('BENCH_SKIP_SIGN_IN')) tables.push(await signInFigures(start, seeded, pgCpu, log));
    // App Passwords as the Dovecot integration's README says to run it: cache on (the default TTL), Dovecot's address trusted.
    if (!skip('BENCH_SKIP_DOVECOT'))
      tables.push(await dovecotFigures(() => start('app', 300, { BENCH_TRUSTED_PROXIES: '127.0.0.1' }), seeded.warm, log));
    if (!skip('BENCH_SKIP_GRAPHQL')) tables.push(await graphqlFigures(start, await seedGraphql(database.url, lookupKey), log));
    const consoleTable =
      build && (await consoleFigures(() => start('app', 300, { BENCH_WEB_DIST_DIR: WEB_DIST }), seeded.person, build, log));
    // Before the scale figures: its endpoint stays, so figure 7's revoke runs the trigger's join (another tenant has one).
    if (!skip('BENCH_SKIP_WEBHOOKS')) tables.push(await webhookFigures(start, database.url, lookupKey, log));
    if (!skip('BENCH_SKIP_SCALE')) {
      const scale = await seedScale(database.url, lookupKey, log);
      tables.push(await scaleFigures(() => start('app', 300), database.url, scale, log));
      // Last: it revokes most of the big tenant, which figures 5–8 need whole.
      tables.push(await cleanupFigures(() => start('app', 300), database.url, scale, seeded.warm, log));
    }
    if (!skip('BENCH_SKIP_USERS')) {
      const users = await seedUsers(database.url, lookupKey, log);
      tables.push(await usersPageFigures(() => start('app', 300), database.url, users, log));
    }
    if (consoleTable) tables.push(consoleTable);

    console.log(tables.map(formatTable).join('\n'));
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await database?.dispose();
  }
}

await main();
