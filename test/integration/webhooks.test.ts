import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookEndpointDocument,
  DeleteAppPasswordDocument,
  DisableUserDocument,
  RevokeAppPasswordsDocument,
  RotateWebhookSecretDocument,
  UpdateWebhookEndpointDocument,
  UpdateTenantPolicyDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '@app-passwords/schema';
import { ServerKeys } from '../../server/src/common/server-keys.js';
import { WEBHOOK_EVENTS, webhookEventOf } from '../../server/src/modules/webhooks/webhook-events.js';
import { postWebhook, webhookAgents } from '../../server/src/modules/webhooks/webhook-post.js';
import { isPublicAddress } from '../../server/src/modules/webhooks/webhook-url.rules.js';
import { resolveHost, WebhookService } from '../../server/src/modules/webhooks/webhook.service.js';
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
  const created = dataOf(
    await console.request(CreateWebhookEndpointDocument, { input: { url: r.url, description, events: events as never } }),
  );
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
    endpoint = await endpointFor(t.console, r, ['APP_PASSWORD_CREATED', 'APP_PASSWORD_REVOKED', 'USER_DISABLED', 'TENANT_POLICY_CHANGED']);
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
    expect(
      r
        .payloads()
        .map((p) => p.type)
        .sort(),
    ).toEqual(['app_password.created', 'app_password.created', 'app_password.revoked', 'tenant_policy.changed', 'user.disabled']);
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
    for (const d of list)
      expect(d).toMatchObject({ status: 'DELIVERED', responseStatus: 204, attempts: 1, error: null, nextAttemptAt: null });
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

describe('the event table (webhook-events.ts) through the real trigger', () => {
  it('makes one delivery per subscribed event, named as the table says, with only the details it lists', async () => {
    const t = await adminTenant(server);
    const other = await adminTenant(server);
    const r = await receiver();
    const allEvents = WEBHOOK_EVENTS.map((e) => e.event.toUpperCase().replace('.', '_'));
    const endpoint = await endpointFor(t.console, r, allEvents);
    const off = await endpointFor(t.console, r, allEvents, 'Switched off');
    dataOf(await t.console.request(UpdateWebhookEndpointDocument, { input: { id: off.id, enabled: false } }));
    const elsewhere = await endpointFor(other.console, r, allEvents, 'Another tenant');
    const user = await createUser(server.db, t.tenant);
    const actions = [...WEBHOOK_EVENTS.map((e) => e.auditAction), 'user.enabled', 'app_password.renamed', 'two_step.reset'];
    // Every detail the table lets through, and one it does not.
    const details = {
      ...Object.fromEntries(WEBHOOK_EVENTS.flatMap((e) => e.details.map((d) => [d, `${d} value`]))),
      internal: 'stays out',
    };
    // One statement for all of them, as a bulk change writes its audit events.
    await server.db.query(
      `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, details)
       SELECT $1, a, 'system', $2, $3::jsonb FROM unnest($4::text[]) AS a`,
      [t.tenant.id, user.id, JSON.stringify(details), actions],
    );
    const rows: Array<{ endpoint_id: string; event_type: string; payload: any }> = await server.db.query(
      'SELECT endpoint_id, event_type, payload FROM webhook_deliveries WHERE endpoint_id = ANY($1) ORDER BY id',
      [[endpoint.id, off.id, elsewhere.id]],
    );
    expect(rows.every((row) => row.endpoint_id === endpoint.id)).toBe(true);
    expect(rows.map((row) => row.event_type)).toEqual(actions.map(webhookEventOf).filter((e) => e !== null));
    for (const row of rows) {
      const listed = WEBHOOK_EVENTS.find((e) => e.event === row.event_type)!;
      expect(row.payload.type).toBe(row.event_type);
      expect(Object.keys(row.payload.data.details).sort()).toEqual([...listed.details].sort());
      expect(row.payload.data.user).toEqual({ id: user.id, signInName: user.email });
    }
    await until(() => r.received.filter((x) => x.payload.data.tenantId === t.tenant.id).length === rows.length, 'every delivery');
  });
});

describe('in production, private addresses are refused', () => {
  it('at save time: a name that resolves to a private or loopback address', async () => {
    const addresses = await resolveHost(hostname());
    const production = new WebhookService(server.runtimeDb, new ServerKeys(randomBytes(32)), false);
    expect(addresses.length).toBeGreaterThan(0);
    if (addresses.every(isPublicAddress)) return; // this machine's name is public: nothing private to refuse here
    await expect(production.checkUrl(`https://${hostname()}/hooks`)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
    });
    await expect(production.checkUrl('https://127.0.0.1/hooks')).rejects.toMatchObject({ extensions: { field: 'url' } });
  });

  it('and again at delivery time, whatever the name resolved to when it was saved', async () => {
    const r = await receiver();
    const agents = webhookAgents(1);
    const outcome = await postWebhook(`http://localhost:${r.port}/hooks`, {}, '{}', { timeoutMs: 2_000, allowLocal: false, agents });
    expect(outcome).toMatchObject({ statusCode: null, error: expect.stringMatching(/private, loopback or link-local/) });
    expect(r.requests).toEqual([]);
    // The same receiver where local addresses are allowed (outside production; agents of its own, as a process has).
    const localAgents = webhookAgents(1);
    const allowed = await postWebhook(`http://localhost:${r.port}/hooks`, {}, '{}', {
      timeoutMs: 2_000,
      allowLocal: true,
      agents: localAgents,
    });
    expect(allowed).toMatchObject({ statusCode: 204, error: null });
    agents.http.destroy();
    localAgents.http.destroy();
  });
});
