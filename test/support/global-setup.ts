import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDataSource, migrate } from '../../server/src/db/data-source.js';
import { startEmbeddedPostgres } from '../../server/src/db/embedded-postgres.js';
import { scanForLeaks } from './secrets.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The server key (hex) the run's test servers share unless a test gives its own: support/test-server.ts. */
    serverKey: string;
  }
}

/**
 * One database for the whole run, migrated once. With DATABASE_URL set, a
 * fresh database is created on that server and dropped afterwards (nothing
 * else there is touched); without it, an embedded PostgreSQL runs in a
 * throwaway directory.
 *
 * And one directory for the run where tests record every secret they make
 * and test servers write every log line (support/secrets.ts); the teardown
 * fails the run if any log holds any of those secrets.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'app-passwords-test-run-'));
  project.provide('runDir', runDir);
  project.provide('serverKey', randomBytes(32).toString('hex'));
  const databaseTeardown = await setUpDatabase(project);
  return async () => {
    try {
      await checkLogsForSecrets(runDir);
    } finally {
      await databaseTeardown();
    }
  };
}

/**
 * Fails the run when a log line holds a secret. vitest only prints errors
 * thrown by a global teardown and still exits 0, so this sets the exit code
 * itself. The directory is kept for inspection then.
 */
async function checkLogsForSecrets(runDir: string): Promise<void> {
  const { secrets, logLines, leaks } = scanForLeaks(runDir);
  if (leaks.length === 0) {
    console.log(`Secrets in logs: none (${secrets} secrets made or sent by the tests, ${logLines} server log lines scanned).`);
    await rm(runDir, { recursive: true, force: true });
    return;
  }
  console.error(
    [
      `Secrets in logs: FOUND in ${leaks.length} server log line(s); each holds a secret the tests made or sent (${runDir} is kept):`,
      ...leaks.slice(0, 20).map((leak) => `  ${leak.file}:${leak.line}: ${leak.hint}\n    ${leak.text.slice(0, 500)}`),
    ].join('\n'),
  );
  process.exitCode = 1;
}

async function setUpDatabase(project: TestProject): Promise<() => Promise<void>> {
  let databaseUrl: string;
  let teardown: () => Promise<void>;

  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `app_passwords_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client(serverUrl);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    teardown = async () => {
      const client = new pg.Client(serverUrl);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'app-passwords-test-'));
    await chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres(dir, () => undefined);
    databaseUrl = embedded.url;
    teardown = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }

  const db = createDataSource(databaseUrl, 1);
  await db.initialize();
  await migrate(db);
  await db.destroy();

  project.provide('databaseUrl', databaseUrl);
  return teardown;
}
