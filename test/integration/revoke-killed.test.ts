import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../../server/src/db/data-source.js';
import { dataOf, uniqueTag } from '../support/admin.js';
import { createAdmin, createTenant, signedInClient, type TestTenant } from '../support/factories.js';
import { startServerProcess, stopServerProcesses } from '../support/server-process.js';
import { REVOKE_COUNT } from '../support/operations.js';
const USERS = 1000;
const PER_USER = 40;

const LOOKUP_KEY = randomBytes(32).toString('hex');
const serverOptions = () => ({ databaseUrl: inject('databaseUrl'), lookupKey: LOOKUP_KEY });

let db: DataSource;
beforeAll(async () => {
  db = createDataSource(inject('databaseUrl'), 2);
  await db.initialize();
});
afterAll(async () => {
  await stopServerProcesses();
  await db?.destroy();
});

/** 1 000 users with 40 app passwords each, in two statements (their secrets are unknown: nobody signs in with them). */
async function bulkTenant(): Promise<{ tenant: TestTenant; userIds: string[]; appPasswordIds: string[] }> {
  const tenant = await createTenant(db);
  const tag = uniqueTag();
  const users: Array<{ id: string }> = await db.query(
    `INSERT INTO users (tenant_id, email, display_name, role, password_hash)
     SELECT $1, 'bulk-' || n || '-' || $2 || '@example.test', 'Bulk user ' || n, 'USER', 'not-a-hash'
       FROM generate_series(1, $3) AS n RETURNING id`,
    [tenant.id, tag, USERS],
  );
  const userIds = users.map((u) => u.id);
  await db.query(
    `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag)
     SELECT $1, u.id, 'Device ' || k, 'not-a-hash', sha256(gen_random_uuid()::text::bytea)
       FROM unnest($2::uuid[]) AS u(id), generate_series(1, $3) AS k`,
    [tenant.id, userIds, PER_USER],
  );
  return { tenant, userIds, appPasswordIds: await idsOf(tenant) };
}

async function idsOf(tenant: TestTenant): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query('SELECT id FROM app_passwords WHERE tenant_id = $1 ORDER BY id', [tenant.id]);
  return rows.map((r) => r.id);
}

/** The app-password ids named by this revoke's audit events, sorted, with repeats. */
async function auditedIds(tenant: TestTenant, reason: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query(
    `SELECT app_password_id AS id FROM audit_events
      WHERE tenant_id = $1 AND action = 'app_password.revoked' AND details->>'reason' = $2 ORDER BY app_password_id`,
    [tenant.id, reason],
  );
  return rows.map((r) => r.id);
}

/** Polls until `condition` holds, or fails after `timeoutMs` with `what`. */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Server backends of this database running the revoke's DELETE and waiting on a row lock. */
async function revokeWaitingOnLock(): Promise<number[]> {
  const rows: Array<{ pid: number }> = await db.query(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM app_passwords%'`,
  );
  return rows.map((r) => r.pid);
}

describe('a server killed in the middle of a bulk revoke', () => {
  it('leaves all of it or none of it: never some app passwords gone, never an audit event without its delete', async () => {
    const { tenant, userIds, appPasswordIds } = await bulkTenant();
    expect(appPasswordIds).toHaveLength(USERS * PER_USER);
    const admin = await createAdmin({ db, lookupKey: Buffer.from(LOOKUP_KEY, 'hex') }, tenant);
    const server = await startServerProcess(serverOptions());
    const reason = `Offboarding ${uniqueTag()}`;

    // An app's last-used write holds one row in the middle of the table: the DELETE gets that far and waits,
    // so the kill lands mid-statement with part of the rows already deleted inside the transaction.
    const blocker = new pg.Client(inject('databaseUrl'));
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `SELECT id FROM app_passwords WHERE id = (SELECT id FROM app_passwords WHERE tenant_id = $1 ORDER BY ctid OFFSET $2 LIMIT 1) FOR UPDATE`,
        [tenant.id, (USERS * PER_USER) / 2],
      );
      const console = await signedInClient({ url: server.url, db }, admin);
      let answered: string | undefined;
      const answer = console.request(REVOKE_COUNT, { input: { userIds, reason } }).then(
        (result) => (answered = `answered ${result.body}`),
        () => 'no answer',
      );
      await until(async () => {
        if (answered) throw new Error(`the revoke ${answered} before it reached the locked row`);
        return (await revokeWaitingOnLock()).length === 1;
      }, 'the revoke to reach the locked row');
      const [backend] = await revokeWaitingOnLock();

      await server.kill();
      expect(await answer).toBe('no answer');
      await blocker.query('ROLLBACK');
      // PostgreSQL finishes the statement, finds its client gone, and ends the session.
      await until(
        async () => (await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend])).length === 0,
        'the backend to end',
      );
    } finally {
      await blocker.end();
    }

    const restarted = await startServerProcess(serverOptions());
    const left = await idsOf(tenant);
    const audited = await auditedIds(tenant, reason);
    const none = left.length === appPasswordIds.length && audited.length === 0;
    const all = left.length === 0 && audited.length === appPasswordIds.length;
    expect({ left: left.length, audited: audited.length, allOrNone: all || none }).toMatchObject({ allOrNone: true });
    if (none) expect(left).toEqual(appPasswordIds);
    if (all) expect(audited).toEqual(appPasswordIds); // one event per app password, none twice

    // The admin sees it did not go through, and repeats it on the restarted server.
    if (none) {
      const again = await (await signedInClient({ url: restarted.url, db }, admin)).request(REVOKE_COUNT, { input: { userIds, reason } });
      expect(dataOf(again).revokeAppPasswords).toEqual({ count: appPasswordIds.length });
      expect(await idsOf(tenant)).toEqual([]);
      expect(await auditedIds(tenant, reason)).toEqual(appPasswordIds);
    }
  }, 90_000);
});
