import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface OwnDatabase {
  url: string;
  name: string;
  /** A connection to the server's default database, e.g. to take this one away (ALLOW_CONNECTIONS false). */
  admin: pg.Client;
  /** Drops it (WITH FORCE) and closes `admin`. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of the test's own on the run's server (no
 * migrations run), which the test may take away. For a whole file's
 * `beforeAll`; `drop()` it in `afterAll`.
 */
export async function createEmptyDatabase(prefix: string): Promise<OwnDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `app_passwords_${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    admin,
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * A fresh, empty database for the length of `run`, dropped afterwards.
 * `admin` is a connection to the server's default database, `name` the new one's.
 */
export async function withEmptyDatabase(
  prefix: string,
  run: (url: string, admin: pg.Client, name: string) => Promise<void>,
): Promise<void> {
  const database = await createEmptyDatabase(prefix);
  try {
    await run(database.url, database.admin, database.name);
  } finally {
    await database.drop();
  }
}
