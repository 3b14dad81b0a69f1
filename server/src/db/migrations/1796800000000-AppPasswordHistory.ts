import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An app password's history (its latest checks, the addresses it was used
 * from) reads the sign-in log by app password, newest first: an index for
 * that, over the rows that have one (console sign-ins and unknown names
 * have none).
 */
export class AppPasswordHistory1796800000000 implements MigrationInterface {
  name = 'AppPasswordHistory1796800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX sign_in_events_app_password_id_occurred_at_idx ON sign_in_events (app_password_id, occurred_at, id)
       WHERE app_password_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX sign_in_events_app_password_id_occurred_at_idx');
  }
}
