import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far the clean-up's notice runs have looked, per tenant: every app password unused since `noticed_through` or
 * earlier has a notice that holds, or is gone. "Unused since" only grows (a use, or a new app password, is now), so the
 * next day's run starts after the mark instead of at the tenant's oldest app password, where a day of revocations left
 * an index entry per revoked row to visit. Null: look from the start (a new policy, one switched off, a first run).
 */
export class UnusedNoticeMark1798400000000 implements MigrationInterface {
  name = 'UnusedNoticeMark1798400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tenant_jobs ADD COLUMN noticed_through timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tenant_jobs DROP COLUMN noticed_through');
  }
}
