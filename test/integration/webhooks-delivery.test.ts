import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ResendWebhookDeliveryDocument,
  RotateWebhookSecretDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '@app-passwords/schema';
import { migrate } from '../../server/src/db/data-source.js';
import { adminTenant, auditRows, dataOf, type AdminTenant } from '../support/admin.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import { createUser, insertAppPasswords } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, TEST_WEBHOOK_CONFIG, type TestServer } from '../support/test-server.js';
import { until, WebhookReceiver } from '../support/webhook-receiver.js';

// A database of this file's own: only this server delivers its webhooks, so what the receiver counts is this server's doing.
let database: OwnDatabase;
let server: TestServer;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  database = await createEmptyDatabase('webhooks');
  server = await startTestServer({ databaseUrl: database.url });
  await migrate(server.db);
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
  await server?.close();
  await database?.drop();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  await r.start();
  receivers.push(r);
  return r;
}

async function endpointFor(console: GraphQLClient, r: WebhookReceiver, events: string[]): Promise<string> {
  const result = dataOf(await console.request(CreateWebhookEndpointDocument, { input: { url: r.url, events: events as never } }));
  recordSecret(result.createWebhookEndpoint.secret);
  r.secrets.push(result.createWebhookEndpoint.secret);
  return result.createWebhookEndpoint.webhookEndpoint.id;
}

/**
 * `rounds` statements, each an audit event `app_password.used_from_new_network` for every one of the app passwords
 * (network 10.<round>.0.0/24), as the batched last-used writer records them: one transaction per round.
 */
async function usedFromNewNetworks(t: AdminTenant, appPasswordIds: string[], userId: string, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    await server.db.query(
      `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, client_ip, details)
       SELECT $1, 'app_password.used_from_new_network', 'system', $2, id, 'Device', '198.51.100.7', jsonb_build_object('network', $4::text)
         FROM unnest($3::uuid[]) WITH ORDINALITY AS ap(id, n) ORDER BY n`,
      [t.tenant.id, userId, appPasswordIds, `10.${round}.0.0/24`],
    );
  }
}

async function deliveries(t: AdminTenant, endpointId: string) {
  return dataOf(await t.console.request(WebhookDeliveriesDocument, { endpointId, first: 100 })).webhookDeliveries;
}

describe('delivery through failures', () => {
  it('receiver down, then up: everything arrives, in order per app password, each once', async () => {
    const t = await adminTenant(server);
    const r = await receiver();
    const endpointId = await endpointFor(t.console, r, ['APP_PASSWORD_USED_FROM_NEW_NETWORK']);
    const user = await createUser(server.db, t.tenant);
    const ids = await insertAppPasswords(server.db, user, 5);
    await r.stop();
    await usedFromNewNetworks(t, ids, user.id, 4);
    // Each app password's first delivery is tried (and refused) more than once; the later ones wait behind it.
    await until(async () => (await deliveries(t, endpointId)).filter((d) => d.attempts >= 2).length >= 5, 'retries while down');
    const waiting = await deliveries(t, endpointId);
    expect(waiting.filter((d) => d.attempts > 0)).toHaveLength(5);
    expect(waiting.find((d) => d.attempts > 0)).toMatchObject({ status: 'PENDING', responseStatus: null, error: 'connection refused' });

    await r.start();
    await until(() => r.received.length >= 20, 'all 20 deliveries');
    for (const id of ids) {
      const networks = r
        .payloads()
        .filter((p) => p.data.appPassword.id === id)
        .map((p) => p.data.details.network);
      expect(networks).toEqual(['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24', '10.4.0.0/24']);
    }
    expect(new Set(r.received.map((x) => x.id)).size).toBe(20);
    await until(async () => (await deliveries(t, endpointId)).every((d) => d.status === 'DELIVERED'), 'all recorded as delivered');
  });

  it('a slow receiver: timeouts are recorded, and never more connections than the per-endpoint limit', async () => {
    const t = await adminTenant(server);
    const r = await receiver();
    r.mode = { status: 204, delayMs: TEST_WEBHOOK_CONFIG.timeoutMs + 1_000 };
    const endpointId = await endpointFor(t.console, r, ['APP_PASSWORD_USED_FROM_NEW_NETWORK']);
    const user = await createUser(server.db, t.tenant);
    // 20 app passwords: nothing orders their deliveries, so all could go at once.
    await usedFromNewNetworks(t, await insertAppPasswords(server.db, user, 20), user.id, 1);
    await until(async () => (await deliveries(t, endpointId)).some((d) => d.error !== null), 'a timed-out attempt');
    const timedOut = (await deliveries(t, endpointId)).find((d) => d.error !== null)!;
    expect(timedOut).toMatchObject({
      status: 'PENDING',
      responseStatus: null,
      error: `no answer within ${TEST_WEBHOOK_CONFIG.timeoutMs} ms`,
    });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(TEST_WEBHOOK_CONFIG.timeoutMs);
    expect(r.mostOpenConnections).toBeGreaterThan(1);
    expect(r.mostOpenConnections).toBeLessThanOrEqual(TEST_WEBHOOK_CONFIG.endpointConcurrency);

    r.mode = { status: 204 };
    await until(async () => (await deliveries(t, endpointId)).every((d) => d.status === 'DELIVERED'), 'all delivered once it is quick');
    expect(new Set(r.received.map((x) => x.payload.data.appPassword.id)).size).toBe(20);
    expect(r.mostOpenConnections).toBeLessThanOrEqual(TEST_WEBHOOK_CONFIG.endpointConcurrency);
  });

  it('a redirect is not followed and fails; after the retry window the delivery fails and the endpoint is failing until a success', async () => {
    const t = await adminTenant(server);
    const r = await receiver();
    r.mode = { status: 302, headers: { location: `http://127.0.0.1:${r.port}/elsewhere` } };
    const endpointId = await endpointFor(t.console, r, ['APP_PASSWORD_USED_FROM_NEW_NETWORK']);
    const user = await createUser(server.db, t.tenant);
    const [first, second] = await insertAppPasswords(server.db, user, 2);
    await usedFromNewNetworks(t, [first!], user.id, 1);
    await until(async () => (await deliveries(t, endpointId))[0]?.status === 'FAILED', 'the delivery failed for good', 20_000);
    const [failed] = await deliveries(t, endpointId);
    expect(failed).toMatchObject({ responseStatus: 302, error: 'redirect (302), not followed', nextAttemptAt: null });
    expect(failed!.attempts).toBeGreaterThan(1);
    expect(r.requests.every((line) => line === 'POST /hooks')).toBe(true);
    const failing = dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints[0]!;
    expect(failing.failingSince).not.toBeNull();

    r.mode = { status: 200 };
    await usedFromNewNetworks(t, [second!], user.id, 1);
    await until(async () => (await deliveries(t, endpointId))[0]?.status === 'DELIVERED', 'a later delivery');
    expect(dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints[0]!.failingSince).toBeNull();

    // Sent again from the console: the same webhook-id, delivered now, and audited.
    const again = dataOf(await t.console.request(ResendWebhookDeliveryDocument, { id: failed!.id })).resendWebhookDelivery;
    expect(again).toMatchObject({ id: failed!.id, status: 'PENDING', messageId: failed!.messageId });
    await until(async () => (await deliveries(t, endpointId)).find((d) => d.id === failed!.id)?.status === 'DELIVERED', 'the resent one');
    expect(r.received.filter((x) => x.answered === 200).map((x) => x.id)).toContain(failed!.messageId);
    expect((await auditRows(server.db, t.tenant.id)).map((a) => a.action)).toContain('webhook_delivery.resent');
  });
});

describe('endpoint input', () => {
  let t: AdminTenant;
  beforeAll(async () => {
    t = await adminTenant(server);
  });

  it.each([
    ['', 'url'],
    ['not a url', 'url'],
    ['ftp://hooks.example.com/x', 'url'],
    ['http://hooks.example.com/x', 'url'],
    ['https://user:pw@hooks.example.com/x', 'url'],
    ['https://hooks.example.com/x#part', 'url'],
    [`https://hooks.example.com/${'x'.repeat(2000)}`, 'url'],
  ])('refuses the URL %j with BAD_USER_INPUT naming %s, and saves nothing', async (url, field) => {
    const result = await t.console.request(CreateWebhookEndpointDocument, { input: { url, events: ['USER_DISABLED'] } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const named = result.errors![0]!.extensions!.field ?? (result.errors![0]!.extensions!.fields as Array<{ field: string }>)[0]!.field;
    expect(named).toBe(field);
    expect(dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints).toEqual([]);
  });

  it('refuses no events, and a description over 200 characters', async () => {
    const noEvents = await t.console.request(CreateWebhookEndpointDocument, { input: { url: 'https://hooks.example.com/', events: [] } });
    expect(noEvents.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'events' }] });
    const long = await t.console.request(CreateWebhookEndpointDocument, {
      input: { url: 'https://hooks.example.com/', events: ['USER_DISABLED'], description: 'd'.repeat(201) },
    });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'description' }] });
    expect(dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints).toEqual([]);
    expect((await auditRows(server.db, t.tenant.id)).filter((a) => a.action.startsWith('webhook'))).toEqual([]);
  });

  it('takes https and, outside production, http to loopback; a bad change leaves the endpoint as it was', async () => {
    for (const url of [
      'https://hooks.example.com/app-passwords',
      'http://127.0.0.1:9/hooks',
      'http://localhost:9/hooks',
      'http://[::1]:9/x',
    ]) {
      const result = await t.console.request(CreateWebhookEndpointDocument, { input: { url, events: ['USER_DISABLED'] } });
      expect(result.errors).toBeUndefined();
      recordSecret(result.data!.createWebhookEndpoint.secret);
    }
    const [first] = dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints;
    const bad = await t.console.request(UpdateWebhookEndpointDocument, {
      input: { id: first!.id, description: 'changed', url: 'http://hooks.example.com/' },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    const [unchanged] = dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints;
    expect(unchanged).toEqual(first);
  });
});

describe("another tenant's endpoints and deliveries", () => {
  it('are NOT_FOUND for every operation', async () => {
    const owner = await adminTenant(server);
    const other = await adminTenant(server);
    const r = await receiver();
    const endpointId = await endpointFor(owner.console, r, ['APP_PASSWORD_USED_FROM_NEW_NETWORK']);
    const user = await createUser(server.db, owner.tenant);
    await usedFromNewNetworks(owner, await insertAppPasswords(server.db, user, 1), user.id, 1);
    await until(() => r.received.length === 1, 'one delivery');
    const [delivery] = await deliveries(owner, endpointId);

    const attempts = [
      other.console.request(UpdateWebhookEndpointDocument, { input: { id: endpointId, enabled: false } }),
      other.console.request(DeleteWebhookEndpointDocument, { id: endpointId }),
      other.console.request(RotateWebhookSecretDocument, { id: endpointId }),
      other.console.request(WebhookDeliveriesDocument, { endpointId }),
      other.console.request(ResendWebhookDeliveryDocument, { id: delivery!.id }),
    ];
    for (const result of await Promise.all(attempts)) expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(dataOf(await other.console.request(WebhookEndpointsDocument)).webhookEndpoints).toEqual([]);
    const [still] = dataOf(await owner.console.request(WebhookEndpointsDocument)).webhookEndpoints;
    expect(still).toMatchObject({ id: endpointId, enabled: true, secretRotatedAt: null });
    expect((await deliveries(owner, endpointId))[0]).toEqual(delivery);
  });
});
