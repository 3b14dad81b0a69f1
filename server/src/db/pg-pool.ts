import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * node-postgres's own pool under a data source, for what TypeORM does not
 * offer: named statements that PostgreSQL plans once per connection (the
 * warm app-password check) and the pool's counts (metrics). TypeORM's
 * Postgres driver keeps it as `master`; this is the one place that knows.
 */
export function pgPool(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}

/**
 * A statement on the hot path of every signed-in request, as a named
 * prepared statement straight on the pool: PostgreSQL parses and plans it
 * once per connection, and it skips TypeORM's query runner. The data
 * source's logger is told of it as TypeORM tells it of its own, so the
 * statement count (metrics, tests) sees it too.
 */
export async function preparedQuery<Row extends object>(db: DataSource, name: string, text: string, values: unknown[]): Promise<Row[]> {
  db.logger.logQuery(text, values);
  return (await pgPool(db).query<Row>({ name, text, values })).rows;
}

/**
 * A named prepared statement in `m`'s transaction (a request's, or
 * `withTenant`'s), on its connection: for a read on the hot path of a console
 * page, which PostgreSQL would otherwise plan again on every request (planning
 * the security-info page's statement cost about as much as running it).
 * Counted as TypeORM counts its own statements; outside a transaction, a plain
 * query.
 */
export async function preparedRead<Row extends object>(m: EntityManager, name: string, text: string, values: unknown[]): Promise<Row[]> {
  const runner = m.queryRunner;
  if (!runner || runner.isReleased) return m.query(text, values);
  const client = (await runner.connect()) as PoolClient;
  m.connection.logger.logQuery(text, values, runner);
  return (await client.query<Row>({ name, text, values })).rows;
}
