import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { WorkLimiter } from '../../common/work-limiter.js';
import { pgPool } from '../../db/pg-pool.js';
import { statementsSent } from '../../db/statement-count.js';
import type { HttpRequestCounts } from './http-requests.js';

/**
 * The counters the metrics read, as the services keep them (services.ts hands
 * the services in): operations sits below the modules that count, so it names
 * only what it reads.
 */
export interface MetricSources {
  appPasswordSignIn: { stats: { outcomes: Record<string, number>; cacheHits: number; cacheMisses: number } };
  signInThrottle: { blocksStarted: ReadonlyMap<string, number> };
  mailDelivery: { stats: Record<string, number> };
  argon2: WorkLimiter;
  signInLog: { readonly buffered: number; readonly dropped: number };
}

/**
 * The app's metrics, in one registry per app (tests run several apps in one
 * process). Nearly everything is read at scrape time from counters the code
 * keeps anyway (`collect`), so requests pay nothing for metrics but an
 * increment; only argon2 durations are observed as they happen (a few dozen
 * a second at most, each ~26 ms of work).
 */
export function createMetricsRegistry(services: MetricSources, db: DataSource, requests: HttpRequestCounts): Registry {
  const registry = new Registry();
  const registers = [registry];
  const signIn = services.appPasswordSignIn;
  const pool = pgPool(db);

  new Counter({
    name: 'app_passwords_http_requests_total',
    help: 'HTTP requests by route (a fixed set, never the URL) and status class; aborted: the client left before the answer.',
    labelNames: ['route', 'status'],
    registers,
    collect() {
      this.reset();
      for (const [route, status, count] of requests.entries()) this.inc({ route, status }, count);
    },
  });

  new Counter({
    name: 'app_passwords_verifications_total',
    help: 'App-password checks (/auth/basic and Basic on GraphQL) by outcome, as in the sign-in log; MALFORMED: no usable Basic credentials.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(signIn.stats.outcomes)) this.inc({ outcome }, count);
    },
  });

  const throttle = services.signInThrottle;
  new Counter({
    name: 'app_passwords_sign_in_blocks_total',
    help:
      'Blocks started by failed sign-ins, by kind (app_password, console, two_step_code) and counter (device: one name from one ' +
      'address; address; user: one name from every unknown device; pending_sign_in). A user block is also an audit event.',
    labelNames: ['kind', 'counter'],
    registers,
    collect() {
      this.reset();
      for (const [key, count] of throttle.blocksStarted) {
        const [kind, counter] = key.split('|');
        this.inc({ kind, counter }, count);
      }
    },
  });

  const mail = services.mailDelivery;
  new Counter({
    name: 'app_passwords_mail_notifications_total',
    help:
      'Attempts to send a mail notification, by outcome: sent; retried (the mail server was down or busy: tried again later); ' +
      'failed (given up after three days, or refused by the mail server for good); skipped (its user or events are gone).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(mail.stats)) this.inc({ outcome }, count);
    },
  });

  counterOf(registers, 'app_passwords_cache_hits_total', 'App-password checks answered from the warm cache (no argon2).', () => {
    return signIn.stats.cacheHits;
  });
  counterOf(registers, 'app_passwords_cache_misses_total', 'App-password checks that were not in the warm cache.', () => {
    return signIn.stats.cacheMisses;
  });

  const argon2 = services.argon2;
  gaugeOf(registers, 'app_passwords_argon2_queue_length', 'argon2 verifications waiting for a free core.', () => argon2.queued);
  gaugeOf(registers, 'app_passwords_argon2_active', 'argon2 verifications running now.', () => argon2.active);
  counterOf(
    registers,
    'app_passwords_argon2_rejected_total',
    'App-password checks answered "busy" because every argon2 slot and the queue were full.',
    () => argon2.rejected,
  );
  const durations = new Histogram({
    name: 'app_passwords_argon2_duration_seconds',
    help: 'Time one argon2 verification of an app-password check took, not counting its wait in the queue.',
    buckets: [0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers,
  });
  argon2.onJobDone = (seconds) => durations.observe(seconds);

  gaugeOf(registers, 'app_passwords_db_pool_connections', 'PostgreSQL connections open in this instance’s pool.', () => pool.totalCount);
  gaugeOf(registers, 'app_passwords_db_pool_idle_connections', 'Open PostgreSQL connections not in use.', () => pool.idleCount);
  gaugeOf(registers, 'app_passwords_db_pool_waiting_clients', 'Queries waiting for a PostgreSQL connection.', () => pool.waitingCount);
  gaugeOf(registers, 'app_passwords_db_pool_max_connections', 'The pool’s size (DATABASE_POOL_SIZE).', () => pool.options.max ?? 10);

  counterOf(
    registers,
    'app_passwords_sql_statements_total',
    'SQL statements sent to PostgreSQL through the data source (BEGIN and COMMIT included; not the batched app-password confirmations).',
    () => statementsSent(db),
  );

  const signInLog = services.signInLog;
  gaugeOf(registers, 'app_passwords_sign_in_log_buffered_events', 'Sign-in log entries waiting for the next write.', () => {
    return signInLog.buffered;
  });
  counterOf(
    registers,
    'app_passwords_sign_in_log_dropped_events_total',
    'Sign-in log entries lost because PostgreSQL was away longer than the buffer lasts.',
    () => signInLog.dropped,
  );

  return registry;
}

/** What the metrics read of the webhook dispatcher (webhooks/webhook-dispatcher.ts), which the app starts on its own. */
export interface WebhookDeliveryCounts {
  readonly stats: Record<'delivered' | 'retried' | 'failed', number>;
  onPosted: ((seconds: number) => void) | undefined;
  backlog(): Promise<{ waiting: number; failingEndpoints: number }>;
}

/**
 * The webhook deliveries' metrics, in the app's registry: attempts by
 * outcome and the time each POST took, counted as they happen on this
 * instance; the outbox's backlog and the failing endpoints, over every
 * tenant and instance, read from PostgreSQL at scrape time (one query).
 */
export function addWebhookMetrics(registry: Registry, webhooks: WebhookDeliveryCounts): void {
  const registers = [registry];
  new Counter({
    name: 'app_passwords_webhook_deliveries_total',
    help:
      'Webhook delivery attempts on this instance, by outcome: delivered (a 2xx answer); retried (no answer, a timeout or another ' +
      'status: tried again later, with backoff); failed (given up after the retry window: the endpoint is marked failing).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(webhooks.stats)) this.inc({ outcome }, count);
    },
  });
  const durations = new Histogram({
    name: 'app_passwords_webhook_delivery_duration_seconds',
    help: 'Time one webhook POST took, from sending to the receiver’s answer (or the timeout, WEBHOOK_TIMEOUT_MS).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  webhooks.onPosted = (seconds) => durations.observe(seconds);

  // One query per scrape for both gauges; a scrape while PostgreSQL is away shows the last counts.
  let backlog: Promise<{ waiting: number; failingEndpoints: number }> | undefined;
  let last = { waiting: 0, failingEndpoints: 0 };
  const read = async () => {
    backlog ??= webhooks
      .backlog()
      .then((counts) => (last = counts))
      .catch(() => last)
      .finally(() => setImmediate(() => (backlog = undefined)));
    return backlog;
  };
  new Gauge({
    name: 'app_passwords_webhook_deliveries_waiting',
    help: 'Webhook deliveries waiting in the outbox, over every tenant: due now, waiting for a retry, or behind an earlier one.',
    registers,
    async collect() {
      this.set((await read()).waiting);
    },
  });
  new Gauge({
    name: 'app_passwords_webhook_endpoints_failing',
    help: 'Enabled webhook endpoints marked failing (their latest delivery was given up), over every tenant; admins see them in the console.',
    registers,
    async collect() {
      this.set((await read()).failingEndpoints);
    },
  });
}

function counterOf(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function gaugeOf(registers: Registry[], name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics (CPU, memory, event-loop lag, GC, handles):
 * they describe the process, not an app, and their collectors (a GC observer,
 * an event-loop monitor) cannot be stopped, so there is one set per process,
 * created on first use and shared by every app in it.
 */
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The text a scrape gets: this app's metrics, then the process's. */
export async function metricsText(registry: Registry): Promise<string> {
  return `${await registry.metrics()}\n${await processMetricsRegistry().metrics()}`;
}
