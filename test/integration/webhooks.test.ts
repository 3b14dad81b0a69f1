import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookEndpointDocument,
  DeleteAppPasswordDocument,
  DisableUserDocument,
  RevokeAppPasswordsDocument,
  RotateWebhookSecretDocument,
  UpdateTenantPolicyDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '@app-passwords/schema';
import { adminTenant, dataOf, type AdminTenant } from '../support/admin.js';
import { createAppPassword } from '../support/app-passwords.js';
import { createUser, insertAppPasswords } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until, WebhookReceiver } from '../support/webhook-receiver.js';

let server: TestServer;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
  await server?.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  await r.start();
  receivers.push(r);
  return r;
}

/** An endpoint for `receiver`, whose secret the receiver then verifies with. */
async function endpointFor(console: GraphQLClient, r: WebhookReceiver, events: string[], description = 'Test receiver') {
  const created = dataOf(await console.request(CreateWebhookEndpointDocument, { input: { url: r.url, description, events: events as never } }));
  const { secret, webhookEndpoint } = created.createWebhookEndpoint;
  recordSecret(secret);
  r.secrets.push(secret);
  return { id: webhookEndpoint.id, secret };
}

describe('webhook endpoints receive the events they subscribed to', () => {
  let t: AdminTenant;
  let r: WebhookReceiver;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    t = await adminTenant(server);
    r = await receiver();
    endpoint = await endpointFor(t.console, r, [
      'APP_PASSWORD_CREATED',
      'APP_PASSWORD_REVOKED',
      'USER_DISABLED',
      'TENANT_POLICY_CHANGED',
    ]);
  });

  it('signed (Standard Webhooks, verified by its library), with what an integrator needs and no secret', async () => {
    const user = await createUser(server.db, t.tenant);
    const created = await createAppPassword(server, user, { name: 'Thunderbird' });
    // Deleted by its owner: app_password.deleted, which this endpoint did not subscribe to.
    const other = await createAppPassword(server, user, { name: 'Old phone', console: created.console });
    dataOf(await created.console.request(DeleteAppPasswordDocument, { id: other.id }));
    const [revokedId] = await insertAppPasswords(server.db, user, 1);
    dataOf(await t.console.request(RevokeAppPasswordsDocument, { input: { ids: [revokedId!], reason: 'Lost laptop' } }));
    dataOf(await t.console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 12 } }));
    dataOf(await t.console.request(DisableUserDocument, { id: user.id }));

    await until(() => r.received.length >= 5, 'five deliveries');
    const byType = (type: string) => r.payloads().filter((p) => p.type === type);
    expect(r.unverified).toEqual([]);
    expect(r.payloads().map((p) => p.type).sort()).toEqual([
      'app_password.created',
      'app_password.created',
      'app_password.revoked',
      'tenant_policy.changed',
      'user.disabled',
    ]);
    const thunderbird = byType('app_password.created').find((p) => p.data.appPassword.name === 'Thunderbird')!;
    expect(thunderbird.data).toMatchObject({
      tenantId: t.tenant.id,
      appPassword: { id: created.id, name: 'Thunderbird' },
      user: { id: user.id, signInName: user.email },
      actor: { type: 'user' },
      clientIp: '127.0.0.1',
    });
    expect(byType('app_password.revoked')[0]!.data).toMatchObject({
      appPassword: { id: revokedId },
      user: { id: user.id, signInName: user.email },
      actor: { type: 'user' },
      details: { reason: 'Lost laptop' },
    });
    expect(byType('tenant_policy.changed')[0]!.data.details.after).toMatchObject({ maxAppPasswordsPerUser: 12 });
    expect(byType('user.disabled')[0]!.data.user).toEqual({ id: user.id, signInName: user.email });
    for (const delivery of r.received) {
      expect(delivery.id).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(delivery.payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // Neither the signing secret nor any password is in what the receiver got.
      for (const secret of [endpoint.secret, endpoint.secret.slice('whsec_'.length), created.password, other.password, user.password]) {
        expect(delivery.body).not.toContain(secret);
      }
    }
    // The unsubscribed event cost no delivery at all.
    const [{ n }] = await server.db.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND event_type = 'app_password.deleted'`,
      [endpoint.id],
    );
    expect(n).toBe(0);
  });

  it('shows the deliveries in the console: event, status, response code, attempts', async () => {
    await until(async () => {
      const list = dataOf(await t.console.request(WebhookDeliveriesDocument, { endpointId: endpoint.id, first: 50 })).webhookDeliveries;
      return list.length >= 5 && list.every((d) => d.status === 'DELIVERED');
    }, 'every delivery recorded as delivered');
    const list = dataOf(await t.console.request(WebhookDeliveriesDocument, { endpointId: endpoint.id, first: 50 })).webhookDeliveries;
    for (const d of list) expect(d).toMatchObject({ status: 'DELIVERED', responseStatus: 204, attempts: 1, error: null, nextAttemptAt: null });
    expect(new Set(list.map((d) => d.messageId))).toEqual(new Set(r.received.map((x) => x.id)));
    const endpoints = dataOf(await t.console.request(WebhookEndpointsDocument)).webhookEndpoints;
    expect(endpoints).toEqual([expect.objectContaining({ id: endpoint.id, failingSince: null, enabled: true })]);
    expect(JSON.stringify(endpoints)).not.toContain(endpoint.secret.slice('whsec_'.length));
  });

  it('after a secret rotation signs with both secrets for a day, so receivers with either verify', async () => {
    const rotated = dataOf(await t.console.request(RotateWebhookSecretDocument, { id: endpoint.id })).rotateWebhookSecret;
    recordSecret(rotated.secret);
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(new Date(rotated.webhookEndpoint.previousSecretUntil!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    r.secrets.push(rotated.secret);
    const before = r.received.length;
    const user = await createUser(server.db, t.tenant);
    await createAppPassword(server, user);
    await until(() => r.received.length > before, 'a delivery after the rotation');
    const last = r.received.at(-1)!;
    expect(last.signature.split(' ')).toHaveLength(2);
    expect(last.verifiedWith).toEqual([0, 1]);
    // Only the new secret: once the overlap is over (moved into the past here), the old one no longer signs.
    await server.db.query(`UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
    await createAppPassword(server, user);
    await until(() => r.received.length > before + 1, 'a delivery after the overlap');
    expect(r.received.at(-1)!.verifiedWith).toEqual([1]);
  });
});
