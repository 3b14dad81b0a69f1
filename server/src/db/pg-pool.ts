import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * node-postgres's own pool under a data source, for what TypeORM does not
 * offer: named statements that PostgreSQL plans once per connection (the
 * warm app-password check) and the pool's counts (metrics). TypeORM's
 * Postgres driver keeps it as `master`; this is the one place that knows.
 */
export function pgPool(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}
