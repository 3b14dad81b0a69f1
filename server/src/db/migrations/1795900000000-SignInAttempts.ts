import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper sign-in bookkeeping:
 * - a sign-in event counts identical attempts of the same second, so a busy
 *   app costs a row per second, not one per request;
 * - the throttle counters skip the write-ahead log: an attempt no longer waits
 *   for a disk flush twice. After a PostgreSQL crash (not a clean restart) the
 *   counters start again from zero, and standbys do not have them; both are
 *   acceptable for counters that expire within minutes.
 */
export class SignInAttempts1795900000000 implements MigrationInterface {
  name = 'SignInAttempts1795900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE sign_in_events
        ADD COLUMN attempts integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT sign_in_events_attempts_check CHECK (attempts >= 1)`);
    await db.query('ALTER TABLE sign_in_throttles SET UNLOGGED');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sign_in_throttles SET LOGGED');
    await db.query('ALTER TABLE sign_in_events DROP COLUMN attempts');
  }
}
