import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openRunDatabase } from './run-database.js';
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
  const database = await openRunDatabase('test');
  project.provide('databaseUrl', database.url);
  return database.dispose;
}
