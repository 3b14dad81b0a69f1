import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhookEndpointDocument } from '@app-passwords/schema';
import { createDataSource, migrate } from '../../server/src/db/data-source.js';
import { dataOf } from '../support/admin.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import { createAdmin, createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { startServerProcess, stopServerProcesses, type ServerProcess } from '../support/server-process.js';
import { until, WebhookReceiver } from '../support/webhook-receiver.js';

const LOOKUP_KEY = randomBytes(32).toString('hex');
const APP_PASSWORDS = 40;
const ROUNDS = 5;
const EVENTS = APP_PASSWORDS * ROUNDS;

// A database of this file's own: only the server processes started here deliver its webhooks.
let database: OwnDatabase;
let db: DataSource;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  database = await createEmptyDatabase('webhook_processes');
  db = createDataSource(database.url, 2);
  await db.initialize();
  await migrate(db);
});
afterAll(async () => {
  await stopServerProcesses();
  for (const receiver of receivers) await receiver.stop();
  await db?.destroy();
  await database?.drop();
});

const start = () => startServerProcess({ databaseUrl: database.url, lookupKey: LOOKUP_KEY });

/** A tenant whose admin registers an endpoint for `receiver` through `server`, and a user with app passwords. */
async function tenantWithEndpoint(server: ServerProcess, receiver: WebhookReceiver) {
  const tenant = await createTenant(db);
  const admin = await createAdmin({ db, lookupKey: Buffer.from(LOOKUP_KEY, 'hex') }, tenant);
  const console = await signedInClient({ url: server.url, db }, admin);
  const created = dataOf(
    await console.request(CreateWebhookEndpointDocument, {
      input: { url: receiver.url, events: ['APP_PASSWORD_USED_FROM_NEW_NETWORK'] },
    }),
  ).createWebhookEndpoint;
  recordSecret(created.secret);
  receiver.secrets.push(created.secret);
  const user = await createUser(db, tenant);
  return { tenant, endpointId: created.webhookEndpoint.id, user, appPasswordIds: await insertAppPasswords(db, user, APP_PASSWORDS) };
}

/** ROUNDS events for each app password (network 10.<round>.0.0/24), one statement per round, as the last-used writer makes them. */
async function queueEvents(tenant: TestTenant, userId: string, ids: string[]): Promise<void> {
  for (let round = 1; round <= ROUNDS; round++) {
    await db.query(
      `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, details)
       SELECT $1, 'app_password.used_from_new_network', 'system', $2, id, 'Device', jsonb_build_object('network', $4::text)
         FROM unnest($3::uuid[]) AS ap(id)`,
      [tenant.id, userId, ids, `10.${round}.0.0/24`],
    );
  }
}

/** Each webhook-id once, in the order of first arrival; a repeat must be the same message byte for byte. */
function firstArrivals(receiver: WebhookReceiver) {
  const seen = new Map<string, string>();
  const firsts = [];
  for (const r of receiver.received) {
    if (seen.has(r.id)) expect(r.body).toBe(seen.get(r.id));
    else {
      seen.set(r.id, r.body);
      firsts.push(r);
    }
  }
  return firsts;
}

function expectInOrderPerAppPassword(receiver: WebhookReceiver, ids: string[]): void {
  const firsts = firstArrivals(receiver);
  expect(firsts).toHaveLength(EVENTS);
  for (const id of ids) {
    const networks = firsts.filter((r) => r.payload.data.appPassword.id === id).map((r) => r.payload.data.details.network);
    expect(networks).toEqual(Array.from({ length: ROUNDS }, (_, i) => `10.${i + 1}.0.0/24`));
  }
}

async function pending(endpointId: string): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'DELIVERED'`, [
    endpointId,
  ]);
  return n;
}

describe('webhook delivery across server processes', () => {
  it('a server SIGKILLed in the middle of a batch: after the restart nothing is lost, repeats only with the same webhook-id', async () => {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await receiver.start();
    receiver.mode = { status: 204, delayMs: 100 };
    const first = await start();
    const { tenant, endpointId, user, appPasswordIds } = await tenantWithEndpoint(first, receiver);
    await queueEvents(tenant, user.id, appPasswordIds);
    await until(() => receiver.received.length >= 20, 'the first deliveries');
    // POSTs in flight, and outcomes not yet written: killed as a crash would.
    await first.kill();
    const arrivedBeforeTheKill = receiver.received.length;
    expect(arrivedBeforeTheKill).toBeLessThan(EVENTS);

    const restarted = await start();
    await until(async () => (await pending(endpointId)) === 0, 'every delivery recorded as delivered', 60_000);
    expect(restarted.running()).toBe(true);
    expectInOrderPerAppPassword(receiver, appPasswordIds);
    expect(receiver.unverified).toEqual([]);
  }, 120_000);

  it('two server processes: each event delivered, never by both at once', async () => {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await receiver.start();
    receiver.mode = { status: 204, delayMs: 20 };
    const [a, b] = await Promise.all([start(), start()]);
    const { tenant, endpointId, user, appPasswordIds } = await tenantWithEndpoint(a, receiver);
    await queueEvents(tenant, user.id, appPasswordIds);
    await until(async () => (await pending(endpointId)) === 0, 'every delivery recorded as delivered', 60_000);
    expect(receiver.overlaps).toBe(0);
    // No process died: each message arrived exactly once.
    expect(receiver.received).toHaveLength(EVENTS);
    expectInOrderPerAppPassword(receiver, appPasswordIds);
    expect(a.running() && b.running()).toBe(true);
  }, 120_000);
});
