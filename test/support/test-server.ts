import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../server/src/app.js';
import { createLogger, type Logger } from '../../server/src/common/logger.js';
import type { SmtpSettings } from '../../server/src/config-mail.js';
import { createDataSource } from '../../server/src/db/data-source.js';
import { entities } from '../../server/src/services.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookConfig } from '../../server/src/config.js';
import { recordSecret, serverLogFile } from './secrets.js';

export interface TestServer {
  url: string;
  /** The owner of the schema: for fixtures and for looking at what the server wrote, past row-level security. */
  db: DataSource;
  /** What the server itself answers requests with: the runtime role, under row-level security. */
  runtimeDb: DataSource;
  app: App;
  /**
   * Every line the server logged (JSON, at trace level, so access logs too),
   * to prove no secret reaches the log; they also go to the run's log file,
   * which the end of the run scans for every secret the run made.
   */
  logs: string[];
  /** The server's logger, e.g. to plant a secret in a test of the scan itself. */
  logger: Logger;
  lookupKey: Buffer;
  /** `msg: err.message` of every line at warn level or worse: what went wrong on the server, for a failing test to show. */
  problems(): string[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Default: the run's key, shared by all its test servers as a deployment's instances share theirs; another one to test keys. */
  lookupKey?: Buffer;
  /** Keys the lookup key replaced (key rotation). */
  previousLookupKeys?: Buffer[];
  trustedProxies?: string[];
  appPasswordCacheTtlSeconds?: number;
  /** REQUIRE_SERVICE: every app-password check must name its service. */
  requireService?: boolean;
  /** The built console to serve at `/` (end-to-end tests). */
  webDistDir?: string;
  /** Default: on, as outside production. */
  graphqlIntrospection?: boolean;
  /** Default: off, as outside production (plain HTTP). */
  cookieSecure?: boolean;
  metricsToken?: string;
  /** Another database than the run's (one a test may take away). */
  databaseUrl?: string;
  /** Webhook delivery settings over the tests' own (loopback allowed, short delays: `TEST_WEBHOOK_CONFIG`). */
  webhooks?: Partial<WebhookConfig>;
  /** Where the log lines go besides `logs` (default: the run's directory, scanned at the end of the run). */
  logFile?: string;
  /** SMTP_URL, parsed: changes queue mail notifications and this server sends them (with `mailFrom`, `publicUrl`). */
  smtp?: SmtpSettings;
  mailFrom?: string;
  publicUrl?: string;
}

/**
 * Webhooks in tests: receivers on loopback over plain HTTP, retries within a second, 2-second timeouts, given up
 * after 8 seconds. Every server of a run delivers every tenant's deliveries, so all of them (server processes
 * too: support/server-process.ts) use these.
 */
export const TEST_WEBHOOK_CONFIG: WebhookConfig = {
  ...DEFAULT_WEBHOOK_CONFIG,
  allowLocal: true,
  timeoutMs: 2_000,
  retryWindowMs: 8_000,
  retryBaseMs: 50,
  retryMaxDelayMs: 500,
  pollMs: 100,
};

const PROBLEM_LEVELS = new Set(['warn', 'error', 'fatal']);

/** The real server on a free port, over the run's real PostgreSQL. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const url = options.databaseUrl ?? inject('databaseUrl');
  const db = createDataSource(url, 5, { entities });
  const runtimeDb = createDataSource(url, 20, { runtime: true, mail: options.smtp !== undefined, entities });
  await Promise.all([db.initialize(), runtimeDb.initialize()]);
  const logs: string[] = [];
  const logFile = options.logFile ?? serverLogFile();
  const logger = createLogger('trace', {
    write: (line: string) => {
      logs.push(line.trimEnd());
      appendFileSync(logFile, line);
    },
  });
  // One key for the run's servers, as the instances of one deployment share theirs: every server of a run claims
  // every tenant's webhook deliveries, and must be able to open the endpoint secret another server sealed.
  const lookupKey = options.lookupKey ?? Buffer.from(inject('serverKey'), 'hex');
  recordSecret(lookupKey.toString('hex'));
  recordSecret(lookupKey.toString('base64'));
  for (const key of options.previousLookupKeys ?? []) recordSecret(key.toString('hex'));
  if (options.metricsToken) recordSecret(options.metricsToken);
  const app = await createApp(
    {
      cookieSecure: options.cookieSecure ?? false,
      appPasswordLookupKey: lookupKey,
      appPasswordPreviousLookupKeys: options.previousLookupKeys ?? [],
      webDistDir: options.webDistDir ?? '/nonexistent',
      trustedProxies: options.trustedProxies ?? [],
      appPasswordCacheTtlSeconds: options.appPasswordCacheTtlSeconds ?? 300,
      graphqlIntrospection: options.graphqlIntrospection ?? true,
      metricsToken: options.metricsToken,
      requireService: options.requireService ?? false,
      webhooks: { ...TEST_WEBHOOK_CONFIG, ...options.webhooks },
      smtp: options.smtp,
      mailFrom: options.mailFrom,
      publicUrl: options.publicUrl,
    },
    runtimeDb,
    logger,
  );
  const address = await app.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    db,
    runtimeDb,
    app,
    logs,
    logger,
    lookupKey,
    problems: () =>
      logs
        .map((line) => JSON.parse(line))
        .filter((entry) => PROBLEM_LEVELS.has(entry.level))
        .map((entry) => (entry.err ? `${entry.msg}: ${entry.err.message}` : entry.msg)),
    close: async () => {
      await app.close();
      await Promise.all([runtimeDb.destroy(), db.destroy()]);
    },
  };
}

/**
 * The one test server of the file that calls this at its top level: started
 * before the file's first test, closed after its last. The object is filled
 * in when the server has started, so the file's helpers may hold it from the
 * start.
 */
export function testServerForFile(options: TestServerOptions = {}): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startTestServer(options));
  });
  afterAll(async () => {
    await server.close?.();
  });
  return server;
}

/**
 * Two instances of one installation for the file that calls this (one
 * database, one lookup key, a memory of successes each), both trusting
 * 127.0.0.1 as their proxy, as behind one load balancer.
 */
export function twoInstancesForFile(): { a: TestServer; b: TestServer } {
  const a = {} as TestServer;
  const b = {} as TestServer;
  beforeAll(async () => {
    Object.assign(a, await startTestServer({ trustedProxies: ['127.0.0.1'] }));
    Object.assign(b, await startTestServer({ lookupKey: a.lookupKey, trustedProxies: ['127.0.0.1'] }));
  });
  afterAll(async () => {
    await Promise.all([a.close?.(), b.close?.()]);
  });
  return { a, b };
}
