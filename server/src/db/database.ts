import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { createDataSource, migrate, type Entities } from './data-source.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  /** The owner of the schema: migrations, the CLI, the demo data. */
  owner: DataSource;
  /** What the server answers requests with: the runtime role, held to one tenant per transaction. Absent for the CLI. */
  db: DataSource | undefined;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or to the embedded PostgreSQL under the data
 * directory when it is unset, and brings the schema up to date as the owner.
 * With `runtime` (the server), also opens the pool it answers requests with.
 * `entities`: what the modules map (services.ts lists them).
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'> & Partial<Pick<Config, 'databaseRuntimeUrl' | 'smtp'>>,
  entities: Entities,
  log: (message: string) => void,
  options: { runtime: boolean } = { runtime: true },
): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.databaseUrl ?? embedded!.url;
  // Changes queue mails where SMTP_URL is set: the server's requests and jobs, or the CLI's (never migrations or demo data).
  const mail = config.smtp !== undefined;
  const owner = createDataSource(url, options.runtime ? 2 : config.databasePoolSize, { mail: mail && !options.runtime, entities });
  const db = options.runtime
    ? createDataSource(config.databaseRuntimeUrl ?? url, config.databasePoolSize, { runtime: true, mail, entities })
    : undefined;
  try {
    await owner.initialize();
    const applied = await migrate(owner);
    if (applied.length > 0) log(`Applied database migrations: ${applied.join(', ')}.`);
    await db?.initialize();
  } catch (error) {
    for (const source of [db, owner]) if (source?.isInitialized) await source.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    owner,
    db,
    embedded: embedded !== undefined,
    close: async () => {
      if (db) await db.destroy();
      await owner.destroy();
      await embedded?.stop();
    },
  };
}
