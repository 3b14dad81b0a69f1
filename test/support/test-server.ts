import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { DataSource } from 'typeorm';
import { createApp, type App, type Logger } from '../../server/src/app.js';
import { createDataSource } from '../../server/src/db/data-source.js';

export interface TestServer {
  url: string;
  db: DataSource;
  app: App;
  /** Every line the server logged, to prove no secret reaches the log. */
  logs: string[];
  lookupKey: Buffer;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Shared by instances that must accept each other's app passwords. */
  lookupKey?: Buffer;
  trustedProxies?: string[];
  appPasswordCacheTtlSeconds?: number;
  /** The built console to serve at `/` (end-to-end tests). */
  webDistDir?: string;
  /** Default: on, as outside production. */
  graphqlIntrospection?: boolean;
  /** Default: off, as outside production (plain HTTP). */
  cookieSecure?: boolean;
}

/** The real server on a free port, over the run's real PostgreSQL. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = createDataSource(inject('databaseUrl'), 20);
  await db.initialize();
  const logs: string[] = [];
  const logger: Logger = {
    info: (message) => logs.push(message),
    error: (message, error) => logs.push(`${message} ${error instanceof Error ? `${error.message}\n${error.stack}` : String(error)}`),
  };
  const lookupKey = options.lookupKey ?? randomBytes(32);
  const app = await createApp(
    {
      cookieSecure: options.cookieSecure ?? false,
      appPasswordLookupKey: lookupKey,
      webDistDir: options.webDistDir ?? '/nonexistent',
      trustedProxies: options.trustedProxies ?? [],
      appPasswordCacheTtlSeconds: options.appPasswordCacheTtlSeconds ?? 300,
      graphqlIntrospection: options.graphqlIntrospection ?? true,
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
    lookupKey,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}
