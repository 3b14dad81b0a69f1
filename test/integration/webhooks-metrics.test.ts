import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhookEndpointDocument, WebhookDeliveriesDocument } from '@app-passwords/schema';
import { migrate } from '../../server/src/db/data-source.js';
import { adminTenant, dataOf, type AdminTenant } from '../support/admin.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import { createUser, insertAppPasswords } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until, WebhookReceiver } from '../support/webhook-receiver.js';

/*
 * The webhook metrics an operator alerts on, read from /metrics while a real
 * receiver on loopback refuses, then takes, deliveries. A database of this
 * file's own: only this server delivers, so the counts are this file's.
 */

let database: OwnDatabase;
let server: TestServer;
let r: WebhookReceiver;

beforeAll(async () => {
  database = await createEmptyDatabase('webhook_metrics');
  server = await startTestServer({ databaseUrl: database.url });
  await migrate(server.db);
  r = new WebhookReceiver();
  await r.start();
});
afterAll(async () => {
  await r?.stop();
  await server?.close();
  await database?.drop();
});

/** The samples of /metrics: `name{labels}` → value. */
async function metrics(): Promise<Map<string, number>> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(app_passwords_webhook_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

const outcome = (samples: Map<string, number>, name: string) => samples.get(`app_passwords_webhook_deliveries_total{outcome="${name}"}`);

async function usedFromNewNetwork(t: AdminTenant, appPasswordIds: string[], userId: string, network: string): Promise<void> {
  await server.db.query(
    `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, client_ip, details)
     SELECT $1, 'app_password.used_from_new_network', 'system', $2, id, 'Device', '198.51.100.7', jsonb_build_object('network', $4::text)
       FROM unnest($3::uuid[]) AS ap(id)`,
    [t.tenant.id, userId, appPasswordIds, network],
  );
}

describe('webhook metrics', () => {
  it('count attempts by outcome, time each POST, and show the deliveries waiting and the endpoints failing', async () => {
    const before = await metrics();
    expect(outcome(before, 'delivered')).toBe(0);
    expect(outcome(before, 'retried')).toBe(0);
    expect(outcome(before, 'failed')).toBe(0);
    expect(before.get('app_passwords_webhook_deliveries_waiting')).toBe(0);
    expect(before.get('app_passwords_webhook_endpoints_failing')).toBe(0);
    expect(before.get('app_passwords_webhook_delivery_duration_seconds_count')).toBe(0);

    const t = await adminTenant(server);
    const created = dataOf(
      await t.console.request(CreateWebhookEndpointDocument, { input: { url: r.url, events: ['APP_PASSWORD_USED_FROM_NEW_NETWORK'] } }),
    ).createWebhookEndpoint;
    recordSecret(created.secret);
    r.secrets.push(created.secret);
    const endpointId = created.webhookEndpoint.id;
    const user = await createUser(server.db, t.tenant);
    const ids = await insertAppPasswords(server.db, user, 3);

    // The receiver answers 503: every attempt is retried, the three deliveries wait, until the window (8 s) ends.
    r.mode = { status: 503 };
    await usedFromNewNetwork(t, ids, user.id, '10.1.0.0/24');
    await until(async () => (outcome(await metrics(), 'retried') ?? 0) >= 3, 'three retried attempts');
    const refusing = await metrics();
    expect(refusing.get('app_passwords_webhook_deliveries_waiting')).toBe(3);
    expect(outcome(refusing, 'delivered')).toBe(0);
    expect(refusing.get('app_passwords_webhook_endpoints_failing')).toBe(0);

    await until(async () => (outcome(await metrics(), 'failed') ?? 0) === 3, 'all three given up', 20_000);
    const failed = await metrics();
    expect(failed.get('app_passwords_webhook_deliveries_waiting')).toBe(0);
    expect(failed.get('app_passwords_webhook_endpoints_failing')).toBe(1);
    const attempts = outcome(failed, 'retried')! + 3;
    expect(r.received).toHaveLength(attempts);
    expect(failed.get('app_passwords_webhook_delivery_duration_seconds_count')).toBe(attempts);

    // A slow but successful answer: delivered, the endpoint is no longer failing, and the POST's time is in the histogram.
    r.mode = { status: 204, delayMs: 1_200 };
    await usedFromNewNetwork(t, ids.slice(0, 1), user.id, '10.2.0.0/24');
    await until(async () => outcome(await metrics(), 'delivered') === 1, 'one delivered');
    const delivered = await metrics();
    expect(delivered.get('app_passwords_webhook_endpoints_failing')).toBe(0);
    expect(delivered.get('app_passwords_webhook_deliveries_waiting')).toBe(0);
    expect(delivered.get('app_passwords_webhook_delivery_duration_seconds_count')).toBe(attempts + 1);
    expect(delivered.get('app_passwords_webhook_delivery_duration_seconds_bucket{le="1"}')).toBe(attempts);
    expect(delivered.get('app_passwords_webhook_delivery_duration_seconds_bucket{le="2.5"}')).toBe(attempts + 1);
    expect(delivered.get('app_passwords_webhook_delivery_duration_seconds_sum')).toBeGreaterThanOrEqual(1.2);
    const recorded = dataOf(await t.console.request(WebhookDeliveriesDocument, { endpointId, first: 10 })).webhookDeliveries;
    expect(recorded.map((d) => d.status).sort()).toEqual(['DELIVERED', 'FAILED', 'FAILED', 'FAILED']);
  });
});
