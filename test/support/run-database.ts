import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDataSource, migrate } from '../../server/src/db/data-source.js';
import { startEmbeddedPostgres } from '../../server/src/db/embedded-postgres.js';

export interface RunDatabase {
  url: string;
  /** The embedded postmaster's pid file, to read its backends' CPU time; undefined on DATABASE_URL. */
  postmasterPidFile: string | undefined;
  dispose(): Promise<void>;
}

/**
 * A migrated database for one run of the tests or of the benchmark (`run`
 * names it): with DATABASE_URL, a fresh database on that server, dropped
 * afterwards (nothing else there is touched); without it, an embedded
 * PostgreSQL in a throwaway directory.
 */
export async function openRunDatabase(run: 'test' | 'bench'): Promise<RunDatabase> {
  let database: RunDatabase;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `app_passwords_${run}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client(serverUrl);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = {
      url: url.toString(),
      postmasterPidFile: undefined,
      dispose: async () => {
        const client = new pg.Client(serverUrl);
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), `app-passwords-${run}-`));
    await chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres(dir, () => undefined);
    database = {
      url: embedded.url,
      postmasterPidFile: path.join(dir, 'postgres', 'postmaster.pid'),
      dispose: async () => {
        await embedded.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  try {
    const db = createDataSource(database.url, 1);
    await db.initialize();
    await migrate(db);
    await db.destroy();
  } catch (error) {
    await database.dispose();
    throw error;
  }
  return database;
}
