import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { createDataSource, migrate } from './data-source.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  db: DataSource;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or to the embedded PostgreSQL under the data
 * directory when it is unset, and brings the schema up to date.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>,
  log: (message: string) => void,
): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log);
  const db = createDataSource(config.databaseUrl ?? embedded!.url, config.databasePoolSize);
  try {
    await db.initialize();
    const applied = await migrate(db);
    if (applied.length > 0) log(`Applied database migrations: ${applied.join(', ')}.`);
  } catch (error) {
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    embedded: embedded !== undefined,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
