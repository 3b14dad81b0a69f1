import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWebhookEndpointDocument } from '@app-passwords/schema';
import { migrate } from '../../server/src/db/data-source.js';
import { pgPool } from '../../server/src/db/pg-pool.js';
import { statementsSent } from '../../server/src/db/statement-count.js';
import { adminTenant, dataOf, type AdminTenant } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import { createUser } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until, WebhookReceiver } from '../support/webhook-receiver.js';

// Issue 14: "the outbox adds no round trip to /auth/basic". An app's first sign-in from a new network is audited, and
// that audit event is what the webhook outbox and the owner's mail are made of; both are written by triggers inside the
// statement that records the use, so a tenant with an endpoint for every event costs a check the same statements as a
// tenant with none. A database of this file's own: only this server's dispatcher delivers what it queues.
let database: OwnDatabase;
let server: TestServer;
let smtp: TestSmtpServer;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  database = await createEmptyDatabase('outbox_sign_in');
  smtp = await startSmtpServer();
  server = await startTestServer({
    databaseUrl: database.url,
    trustedProxies: ['127.0.0.1'],
    smtp: smtp.settings,
    mailFrom: 'App Passwords <no-reply@example.test>',
    publicUrl: 'https://app-passwords.example.test',
  });
  await migrate(server.db);
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await server?.close();
  await smtp?.stop();
  await database?.drop();
});

/** Every statement the server sends while `work` runs: TypeORM's (counted by its logger) and those straight on the pool. */
async function statementsDuring(work: () => Promise<void>): Promise<string[]> {
  const pool = pgPool(server.runtimeDb);
  const sent: string[] = [];
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const logger = server.runtimeDb.logger;
  const logQuery = logger.logQuery.bind(logger);
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const config = args[0] as string | { name?: string; text: string };
    sent.push(typeof config === 'string' ? config : (config.name ?? config.text));
    return query(...args);
  };
  const before = statementsSent(server.runtimeDb);
  logger.logQuery = (text, ...rest) => {
    sent.push(text);
    return logQuery(text, ...rest);
  };
  try {
    await work();
  } finally {
    (pool as { query: unknown }).query = query;
    logger.logQuery = logQuery;
  }
  expect(statementsSent(server.runtimeDb) - before).toBeLessThanOrEqual(sent.length);
  return sent;
}

/** A user with an app password in `t`, already used once from 192.0.2.1 so the cache is warm and that network known. */
async function userSignedInOnce(t: AdminTenant) {
  const user = await createUser(server.db, t.tenant);
  const appPassword = await createAppPassword(server, user);
  const authorization = basic(user.email, appPassword.password);
  expect((await checkBasic(server, authorization, { ip: '192.0.2.1' })).status).toBe(204);
  await until(async () => (await newNetworkEvents(t, appPassword.id)).length === 1, 'the first use recorded');
  return { user, appPasswordId: appPassword.id, authorization };
}

function newNetworkEvents(t: AdminTenant, appPasswordId: string): Promise<Array<{ id: string }>> {
  return server.db.query(
    `SELECT id FROM audit_events WHERE tenant_id = $1 AND app_password_id = $2 AND action = 'app_password.used_from_new_network'`,
    [t.tenant.id, appPasswordId],
  );
}

/** Statements of one warm check from a network the app password has not been used from, until its use is recorded. */
async function checkFromNewNetwork(t: AdminTenant, who: Awaited<ReturnType<typeof userSignedInOnce>>, ip: string) {
  // The sign-in log is written in batches, on a timer: what was buffered before goes out first, and the check's own
  // entry is written inside the count (by the timer or by the last flush), so each count holds that write once.
  await server.app.services.signInLog.flush();
  return statementsDuring(async () => {
    expect((await checkBasic(server, who.authorization, { ip })).status).toBe(204);
    await until(async () => (await newNetworkEvents(t, who.appPasswordId)).length === 2, 'the new network recorded');
    await server.app.services.signInLog.flush();
  });
}

describe('an app signing in from a new network, with and without a webhook endpoint for every event', () => {
  it('costs the same statements, and the event still reaches the endpoint and the owner’s mailbox', async () => {
    const subscribed = await adminTenant(server);
    const created = dataOf(
      await subscribed.console.request(CreateWebhookEndpointDocument, {
        input: { url: receiver.url, events: ['APP_PASSWORD_USED_FROM_NEW_NETWORK', 'APP_PASSWORD_CREATED'] },
      }),
    ).createWebhookEndpoint;
    recordSecret(created.secret);
    receiver.secrets.push(created.secret);
    const quiet = await adminTenant(server);

    const withEndpoint = await userSignedInOnce(subscribed);
    const withoutEndpoint = await userSignedInOnce(quiet);
    const statementsWith = await checkFromNewNetwork(subscribed, withEndpoint, '198.51.100.20');
    const statementsWithout = await checkFromNewNetwork(quiet, withoutEndpoint, '198.51.100.20');

    expect(statementsWith.length).toBeGreaterThan(0);
    expect(statementsWith).toEqual(statementsWithout);

    // What the triggers wrote in that statement, and what became of it: a webhook for the subscribed tenant only,
    // a mail to both owners naming the new address.
    await until(
      () =>
        receiver.received.some(
          (r) => r.payload?.type === 'app_password.used_from_new_network' && r.payload.data.clientIp === '198.51.100.20',
        ),
      'the webhook about the new network',
    );
    const deliveries: Array<{ tenant_id: string }> = await server.db.query(
      `SELECT tenant_id FROM webhook_deliveries WHERE tenant_id = ANY($1) AND event_type = 'app_password.used_from_new_network'`,
      [[subscribed.tenant.id, quiet.tenant.id]],
    );
    expect(deliveries.map((d) => d.tenant_id)).toEqual([subscribed.tenant.id, subscribed.tenant.id]);
    for (const { user } of [withEndpoint, withoutEndpoint]) {
      await until(() => smtp.mailsTo(user.email).some((mail) => mail.parsed.text?.includes('198.51.100.20')), `the mail to ${user.email}`);
    }
  });
});
