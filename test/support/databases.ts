import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A fresh, empty database of the test's own on the run's server (no
 * migrations run), which the test may take away; dropped afterwards.
 * `admin` is a connection to the server's default database, `name` the new one's.
 */
export async function withEmptyDatabase(
  prefix: string,
  run: (url: string, admin: pg.Client, name: string) => Promise<void>,
): Promise<void> {
  const serverUrl = inject('databaseUrl');
  const name = `app_passwords_${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await run(url.toString(), admin, name);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}
