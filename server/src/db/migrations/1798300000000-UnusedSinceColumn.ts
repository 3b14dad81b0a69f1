import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An app password's "unused since" (its last use, or its creation when never used) as a stored column, indexed with
 * the tenant in place of the index on the expression. Under row-level security PostgreSQL will not make
 * `coalesce(last_used_at, created_at) <= $1` an index condition (it treats COALESCE as possibly leaky, so it runs
 * after the policy, as a filter): the clean-up's notice runs read all of a tenant's app passwords for each batch. A
 * comparison of a plain column is leakproof, so `unused_since <= $1` and the batches' keyset are index conditions.
 * Generated: no code writes it. Adding it rewrites app_passwords once.
 */
export class UnusedSinceColumn1798300000000 implements MigrationInterface {
  name = 'UnusedSinceColumn1798300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE app_passwords
        ADD COLUMN unused_since timestamptz GENERATED ALWAYS AS (coalesce(last_used_at, created_at)) STORED`);
    await db.query('DROP INDEX app_passwords_tenant_id_unused_since_idx');
    // Ordered with the id for the job's keyset batches; the owner included so that the dry run counts owners from the
    // index alone.
    await db.query(`
      CREATE INDEX app_passwords_tenant_id_unused_since_idx ON app_passwords (tenant_id, unused_since, id) INCLUDE (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX app_passwords_tenant_id_unused_since_idx');
    await db.query('ALTER TABLE app_passwords DROP COLUMN unused_since');
    await db.query(`
      CREATE INDEX app_passwords_tenant_id_unused_since_idx
        ON app_passwords (tenant_id, (coalesce(last_used_at, created_at)), id) INCLUDE (user_id)`);
  }
}
