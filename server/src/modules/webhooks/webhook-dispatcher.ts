import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../../common/logger.js';
import { SecretBox } from '../../common/secret-box.js';
import type { ServerKeys } from '../../common/server-keys.js';
import type { WebhookConfig } from '../../config.js';
import { pgPool } from '../../db/pg-pool.js';
import { nextAttemptAt } from './webhook-delivery.rules.js';
import { postWebhook, webhookAgents, type PostOutcome } from './webhook-post.js';
import { webhookSignature } from './webhook-secret.js';
import { WEBHOOK_SECRET_PURPOSE } from './webhook.service.js';

/** A delivery this instance claimed (claim_webhook_deliveries). */
interface Claimed {
  id: string;
  endpoint_id: string;
  message_id: string;
  attempts: number;
  payload: string;
  retry_from: Date;
  url: string;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
}

interface Finished extends PostOutcome {
  id: string;
  attempt: number;
  retryAt: Date | null;
}

/** The webhook-id of a delivery: the same on every attempt and resend. */
export const webhookMessageId = (messageId: string) => `msg_${messageId.replaceAll('-', '')}`;

/** Deliveries claimed ahead of the POSTs, per POST slot: claims come in batches, not one per delivery. */
const CLAIM_AHEAD = 4;

/**
 * Posts the outbox's deliveries, on every instance. It claims due ones
 * across tenants in batches (claim_webhook_deliveries: FOR UPDATE SKIP
 * LOCKED, then a lease, so two instances never post the same delivery at
 * once and one that dies mid-POST leaves it to be posted again after the
 * lease, with the same webhook-id): up to CLAIM_AHEAD × the POST slots, of
 * this instance and of one endpoint. It posts them with at most
 * `concurrency` POSTs in flight on this instance and `endpointConcurrency`
 * to one endpoint, and records what came of them in batches
 * (finish_webhook_deliveries). A finished delivery wakes it at once: the
 * next one of the same app password may be due.
 */
export class WebhookDispatcher {
  private readonly secrets: SecretBox;
  private readonly agents;
  private readonly leaseMs: number;
  private readonly pool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  /** Claimed and not yet finished (waiting for a POST slot, or being posted). */
  private claimed = 0;
  private posting = 0;
  private readonly waiting: Claimed[] = [];
  private readonly postingTo = new Map<string, number>();
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private finished: Finished[] = [];
  private flushing: Promise<void> | null = null;
  private idle: Array<() => void> = [];
  /** Attempts on this instance since it started, by outcome: delivered (2xx), retried (to be tried again), failed (given up). */
  readonly stats: Record<'delivered' | 'retried' | 'failed', number> = { delivered: 0, retried: 0, failed: 0 };
  /** Told how long each POST took (the receiver's answer, or the timeout), in seconds: the metrics' histogram. */
  onPosted: ((seconds: number) => void) | undefined;

  constructor(
    db: DataSource,
    keys: ServerKeys,
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(keys.all, WEBHOOK_SECRET_PURPOSE);
    this.agents = webhookAgents(config.endpointConcurrency);
    // Longer than a claimed delivery's wait for a slot, its POST and the write of its outcome: another instance takes a
    // delivery over only from one that died.
    this.leaseMs = (CLAIM_AHEAD + 1) * config.timeoutMs + 5_000;
    // Connections of its own, as the server's role, whose commits do not wait for the disk: a claim or an outcome lost
    // in a PostgreSQL crash only means a delivery is posted again, with the same webhook-id, which receivers expect
    // anyway. The outbox rows themselves are written with the change, synchronously as ever.
    const options = pgPool(db).options;
    this.pool = new pg.Pool({
      ...options,
      max: 2,
      options: [options.options, '-c synchronous_commit=off'].filter(Boolean).join(' '),
    });
    this.pool.on('error', (error) => this.logger.warn({ err: error }, 'A webhook dispatcher connection failed'));
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.config.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (also called by the timer). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((error) => this.logger.error({ err: error }, 'Could not claim webhook deliveries; will retry'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Stops claiming, lets the POSTs in flight end (each within the timeout) and writes their outcomes; deliveries
   * claimed but not posted yet are handed back, due at once, for any instance.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const now = new Date();
    for (const row of this.waiting.splice(0)) {
      this.claimed--;
      this.finished.push({
        id: row.id,
        attempt: row.attempts,
        statusCode: null,
        durationMs: 0,
        error: 'not sent: the server stopped',
        retryAt: now,
      });
    }
    if (this.posting > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.flushing;
    if (this.finished.length > 0) await this.flush();
    this.agents.http.destroy();
    this.agents.https.destroy();
    await this.pool.end();
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const free = CLAIM_AHEAD * this.config.concurrency - this.claimed;
      if (free <= 0) return;
      const { rows } = await this.pool.query<Claimed>('SELECT * FROM claim_webhook_deliveries($1, $2, $3)', [
        free,
        CLAIM_AHEAD * this.config.endpointConcurrency,
        this.leaseMs,
      ]);
      this.claimed += rows.length;
      this.waiting.push(...rows);
      this.post();
      if (rows.length < free) return;
    }
  }

  /** Starts the POSTs there is room for: in claim order, skipping endpoints that have all their slots busy. */
  private post(): void {
    for (let i = 0; i < this.waiting.length && this.posting < this.config.concurrency;) {
      const row = this.waiting[i]!;
      const busy = this.postingTo.get(row.endpoint_id) ?? 0;
      if (busy >= this.config.endpointConcurrency) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.posting++;
      this.postingTo.set(row.endpoint_id, busy + 1);
      void this.deliver(row).finally(() => {
        this.posting--;
        this.claimed--;
        const left = this.postingTo.get(row.endpoint_id)! - 1;
        if (left === 0) this.postingTo.delete(row.endpoint_id);
        else this.postingTo.set(row.endpoint_id, left);
        if (this.posting === 0) for (const resolve of this.idle.splice(0)) resolve();
        if (!this.stopped) this.post();
      });
    }
  }

  private async deliver(row: Claimed): Promise<void> {
    let outcome: PostOutcome;
    try {
      const secrets = [this.secrets.open(row.secret_sealed)];
      if (row.previous_secret_sealed) secrets.push(this.secrets.open(row.previous_secret_sealed));
      const messageId = webhookMessageId(row.message_id);
      const timestamp = new Date();
      const headers = {
        'webhook-id': messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': webhookSignature(secrets, messageId, timestamp, row.payload),
        'user-agent': 'App-Passwords-Webhooks/1',
      };
      outcome = await postWebhook(row.url, headers, row.payload, { ...this.config, agents: this.agents });
      this.onPosted?.(outcome.durationMs / 1000);
    } catch (error) {
      this.logger.error({ err: error, deliveryId: row.id }, 'Could not post a webhook delivery');
      outcome = { statusCode: null, durationMs: 0, error: 'could not be sent' };
    }
    const retryAt = outcome.error === null ? null : nextAttemptAt(row.attempts, row.retry_from, new Date(), this.config);
    this.stats[outcome.error === null ? 'delivered' : retryAt ? 'retried' : 'failed']++;
    this.finished.push({ ...outcome, id: row.id, attempt: row.attempts, retryAt });
    if (!this.flushing) this.flushing = this.flush();
  }

  /** Deliveries waiting in the outbox (due or not) and endpoints failing, over every tenant, for the metrics. */
  async backlog(): Promise<{ waiting: number; failingEndpoints: number }> {
    const { rows } = await this.pool.query<{ waiting: string; failing_endpoints: string }>('SELECT * FROM webhook_backlog()');
    return { waiting: Number(rows[0]!.waiting), failingEndpoints: Number(rows[0]!.failing_endpoints) };
  }

  /** Writes the outcomes that finished so far in one statement, and again while more finish meanwhile. */
  private async flush(): Promise<void> {
    try {
      while (this.finished.length > 0) {
        const batch = this.finished.splice(0);
        try {
          await this.pool.query('SELECT finish_webhook_deliveries($1, $2, $3, $4, $5, $6)', [
            batch.map((f) => f.id),
            batch.map((f) => f.attempt),
            batch.map((f) => f.statusCode),
            batch.map((f) => f.durationMs),
            batch.map((f) => f.error),
            batch.map((f) => f.retryAt),
          ]);
        } catch (error) {
          // Kept for the next try; should their leases run out first, they are posted again (same webhook-id).
          this.finished.unshift(...batch);
          this.logger.error({ err: error }, 'Could not record webhook deliveries; will retry');
          await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
          if (this.stopped) return;
        }
        this.wake();
      }
    } finally {
      this.flushing = null;
    }
  }
}
