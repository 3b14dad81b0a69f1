import type { DataSource, Logger } from 'typeorm';

/**
 * Counts the SQL statements a data source sends: TypeORM tells its logger of
 * every statement (transaction control included) before sending it, whether
 * or not logging is on. Read by the metrics, the statement-count tests and
 * the bench. The app-password check's batched confirmations go to the pool
 * directly and are not counted here.
 */
export class StatementCounter implements Logger {
  statements = 0;

  logQuery: Logger['logQuery'] = () => {
    this.statements++;
  };
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** How many SQL statements `db` has sent since it was created. */
export function statementsSent(db: DataSource): number {
  return db.logger instanceof StatementCounter ? db.logger.statements : 0;
}
