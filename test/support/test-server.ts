import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../server/src/app.js';
import { createLogger, type Logger } from '../../server/src/common/logger.js';
import { createDataSource } from '../../server/src/db/data-source.js';

export interface TestServer {
  url: string;
  db: DataSource;
  app: App;
  /** Every line the server logged (JSON, at trace level, so access logs too), to prove no secret reaches the log. */
  logs: string[];
  logger: Logger;
  lookupKey: Buffer;
  /** `msg: err.message` of every line at warn level or worse: what went wrong on the server, for a failing test to show. */
  problems(): string[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Shared by instances that must accept each other's app passwords. */
  lookupKey?: Buffer;
  trustedProxies?: string[];
  appPasswordCacheTtlSeconds?: number;
  /** The built console to serve at `/` (end-to-end tests). */
  webDistDir?: string;
  metricsToken?: string;
  /** Another database than the run's (one a test may take away). */
  databaseUrl?: string;
}

const PROBLEM_LEVELS = new Set(['warn', 'error', 'fatal']);

/** The real server on a free port, over the run's real PostgreSQL. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = createDataSource(options.databaseUrl ?? inject('databaseUrl'), 20);
  await db.initialize();
  const logs: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void logs.push(line.trimEnd()) });
  const lookupKey = options.lookupKey ?? randomBytes(32);
  const app = await createApp(
    {
      cookieSecure: false,
      appPasswordLookupKey: lookupKey,
      webDistDir: options.webDistDir ?? '/nonexistent',
      trustedProxies: options.trustedProxies ?? [],
      appPasswordCacheTtlSeconds: options.appPasswordCacheTtlSeconds ?? 300,
      metricsToken: options.metricsToken,
    },
    db,
    logger,
  );
  const address = await app.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    db,
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
      await db.destroy();
    },
  };
}
