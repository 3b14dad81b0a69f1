/**
 * Figure 15, the webhook outbox's throughput: how fast the server empties a
 * queue of 10 000 deliveries to one local receiver, against how fast the
 * same process can POST the same body to it at all.
 *
 * The receiver is the bare node:http server of figure 1 (204 to everything),
 * in a process of its own. The events are audit events of a bulk revoke
 * (`app_password.revoked`, one per app password), written in one statement:
 * the trigger queues 10 000 deliveries at commit. Delivered per second is
 * (N − 1) ÷ (last delivered_at − first delivered_at), from the database, so
 * the wait for the first poll is not counted. The baseline is 10 000 plain
 * keep-alive POSTs of one of those payloads, from the app's process, over as
 * many connections as the dispatcher may open to one endpoint
 * (WEBHOOK_ENDPOINT_CONCURRENCY, 4): no claiming, signing or recording.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../server/src/common/secret-box.js';
import { DEFAULT_WEBHOOK_CONFIG } from '../../server/src/config.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { generateWebhookSecret } from '../../server/src/modules/webhooks/webhook-secret.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../server/src/modules/webhooks/webhook.service.js';
import type { ServerMode } from './server-process.js';
import type { ServerHandle } from './start-server.js';
import { fixed, type Table } from './table.js';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 2);

type Start = (mode: ServerMode, cacheTtlSeconds?: number, env?: Record<string, string>) => Promise<ServerHandle>;

interface Round {
  outboxPerSecond: number;
  rawPerSecond: number;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `EVENTS` revocations in one statement (one audit event each), and the rate their deliveries went out at. */
async function outboxRound(db: DataSource, tenantId: string, userId: string, endpointId: string): Promise<number> {
  const reason = `Bench ${randomUUID()}`;
  await db.query(
    `INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, details)
     SELECT $1, 'app_password.revoked', 'user', $2, gen_random_uuid(), 'Device ' || n, jsonb_build_object('reason', $3::text)
       FROM generate_series(1, $4) AS n`,
    [tenantId, userId, reason, EVENTS],
  );
  const of = `FROM webhook_deliveries WHERE endpoint_id = $1 AND payload->'data'->'details'->>'reason' = $2`;
  await until(async () => {
    const [{ done }] = await db.query(`SELECT count(*)::int AS done ${of} AND status <> 'PENDING'`, [endpointId, reason]);
    return done === EVENTS;
  }, `${EVENTS} deliveries`);
  const [row] = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'DELIVERED' AND attempts = 1)::int AS first_time,
            extract(epoch FROM max(delivered_at) - min(delivered_at))::float8 AS seconds ${of}`,
    [endpointId, reason],
  );
  if (row.first_time !== EVENTS) throw new Error(`bench: ${EVENTS - row.first_time} deliveries were not delivered at the first attempt`);
  return (EVENTS - 1) / row.seconds;
}

export async function webhookFigures(start: Start, url: string, lookupKey: Buffer, log: (line: string) => void): Promise<Table> {
  const db = createDataSource(url, 2);
  await db.initialize();
  const receiver = await start('bare');
  const app = await start('app', 300, { BENCH_WEBHOOKS: '1' });
  try {
    const [{ id: tenantId }] = await db.query(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [`Bench webhooks ${randomUUID()}`]);
    const [{ id: userId }] = await db.query(
      `INSERT INTO users (tenant_id, email, display_name, role, password_hash) VALUES ($1, $2, 'Bench user', 'USER', 'not-a-hash') RETURNING id`,
      [tenantId, `bench-webhooks-${randomUUID()}@example.test`],
    );
    const receiverUrl = `${receiver.url}/hooks`;
    const [{ id: endpointId }] = await db.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, events, secret_sealed) VALUES ($1, $2, '{app_password.revoked}', $3) RETURNING id`,
      [tenantId, receiverUrl, new SecretBox(lookupKey, WEBHOOK_SECRET_PURPOSE).seal(generateWebhookSecret())],
    );

    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      log(`bench: webhooks round ${i + 1} of ${ROUNDS}: ${EVENTS} deliveries through the outbox, then as many plain POSTs …`);
      const outboxPerSecond = await outboxRound(db, tenantId, userId, endpointId);
      const [{ body }] = await db.query('SELECT payload::text AS body FROM webhook_deliveries WHERE endpoint_id = $1 LIMIT 1', [
        endpointId,
      ]);
      const raw = await app.rawPosts(receiverUrl, body, EVENTS, DEFAULT_WEBHOOK_CONFIG.endpointConcurrency);
      if (raw.failed > 0) throw new Error(`bench: ${raw.failed} plain POSTs failed`);
      rounds.push({ outboxPerSecond, rawPerSecond: EVENTS / raw.seconds });
    }
    const ratios = rounds.map((r) => r.outboxPerSecond / r.rawPerSecond).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return {
      title: [
        `Webhooks (figure 15): ${EVENTS} deliveries queued at once to one local receiver, ${ROUNDS} rounds, ` +
          `${DEFAULT_WEBHOOK_CONFIG.endpointConcurrency} connections per endpoint`,
      ],
      rows: [
        [
          '15. outbox throughput ÷ raw POSTs',
          `${fixed(median)} (${Math.round(mean(rounds.map((r) => r.outboxPerSecond)))} ÷ ${Math.round(mean(rounds.map((r) => r.rawPerSecond)))} /s)`,
          '–',
          'info',
        ],
      ],
      notes: [
        `per round: ${rounds.map((r) => `${Math.round(r.outboxPerSecond)} ÷ ${Math.round(r.rawPerSecond)} = ${fixed(r.outboxPerSecond / r.rawPerSecond)}`).join('; ')}`,
      ],
    };
  } finally {
    await app.stop();
    await receiver.stop();
    await db.destroy();
  }
}
