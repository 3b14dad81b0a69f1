import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

/**
 * The daily clean-up of app passwords (issue 14): tenant policy
 * `revokeUnusedAfterDays` (off, or 30–730 days) revokes app passwords not
 * used for that long, 7 days after a notice to their owner; `expiryReminders`
 * tells owners 14 and 3 days before one expires. Remembered: the notices, in a
 * table of their own (`app_password_unused_notices`: an insert, where a column
 * of app_passwords would cost an update of all its indexes per notice; a
 * notice older than the app password's last use no longer holds), and the
 * last expiry reminder per app password (`expiry_reminder_days`, 14 or 3;
 * forgotten when its expiry changes). `tenant_jobs` makes the job run once a
 * day per tenant however many instances run it. The rules themselves are in
 * app-password-cleanup/.
 */
export class UnusedAppPasswordCleanup1797100000000 implements MigrationInterface {
  name = 'UnusedAppPasswordCleanup1797100000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      ALTER TABLE tenant_policies
        ADD COLUMN revoke_unused_after_days integer,
        ADD COLUMN expiry_reminders boolean NOT NULL DEFAULT true,
        ADD CONSTRAINT tenant_policies_revoke_unused_after_days_range CHECK (revoke_unused_after_days BETWEEN 30 AND 730)`);
    await db.query(`
      ALTER TABLE app_passwords
        ADD COLUMN expiry_reminder_days smallint,
        ADD CONSTRAINT app_passwords_expiry_reminder_days_check CHECK (expiry_reminder_days IN (14, 3))`);
    // Unused since: last used, or created when never used. Ordered with the id for the job's keyset batches; the owner
    // included so that the dry run counts owners from the index alone.
    await db.query(`
      CREATE INDEX app_passwords_tenant_id_unused_since_idx
        ON app_passwords (tenant_id, (coalesce(last_used_at, created_at)), id) INCLUDE (user_id)`);
    // Deleted with their app password by app-password-revocation.ts (set-based, no foreign key: see AppPasswordUsesCleanup).
    await db.query(`
      CREATE TABLE app_password_unused_notices (
        tenant_id uuid NOT NULL,
        app_password_id uuid NOT NULL,
        noticed_at timestamptz NOT NULL,
        CONSTRAINT app_password_unused_notices_pkey PRIMARY KEY (app_password_id))`);
    await db.query(`
      CREATE INDEX app_password_unused_notices_tenant_id_noticed_at_idx
        ON app_password_unused_notices (tenant_id, noticed_at, app_password_id)`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON app_password_unused_notices TO ${RUNTIME_ROLE}`);
    await db.query('ALTER TABLE app_password_unused_notices ENABLE ROW LEVEL SECURITY');
    await db.query(`
      CREATE POLICY app_password_unused_notices_tenant_isolation ON app_password_unused_notices
        USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);
    await db.query(`
      CREATE INDEX app_passwords_tenant_id_expires_at_idx ON app_passwords (tenant_id, expires_at, id) WHERE expires_at IS NOT NULL`);

    // A new expiry: its reminders are due again. Called only for rows that have something to forget (the WHEN clause).
    await db.query(`
      CREATE FUNCTION app_password_expiry_reminders_forget() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        NEW.expiry_reminder_days := NULL;
        RETURN NEW;
      END $fn$`);
    await db.query(`
      CREATE TRIGGER app_passwords_expiry_reminders_forget BEFORE UPDATE OF expires_at ON app_passwords
        FOR EACH ROW WHEN (NEW.expiry_reminder_days IS NOT NULL AND NEW.expires_at IS DISTINCT FROM OLD.expires_at)
        EXECUTE FUNCTION app_password_expiry_reminders_forget()`);

    await db.query(`
      CREATE TABLE tenant_jobs (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        job text NOT NULL,
        last_run_at timestamptz,
        claimed_until timestamptz,
        CONSTRAINT tenant_jobs_pkey PRIMARY KEY (tenant_id, job))`);
    // Rows are made and claimed across tenants by claim_tenant_job; an instance marks its own run done, in the tenant.
    await db.query(`GRANT SELECT, UPDATE ON tenant_jobs TO ${RUNTIME_ROLE}`);
    await db.query('ALTER TABLE tenant_jobs ENABLE ROW LEVEL SECURITY');
    await db.query(`
      CREATE POLICY tenant_jobs_tenant_isolation ON tenant_jobs
        USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);

    // One tenant whose run of p_job is due today (UTC) and not claimed by a live instance, claimed for p_lease_seconds;
    // NULL when none is left. Rows locked by another instance's claim are skipped, never waited for.
    await db.query(`
      CREATE FUNCTION claim_tenant_job(p_job text, p_lease_seconds int, p_tenant_ids uuid[]) RETURNS uuid
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
      #variable_conflict use_column
      DECLARE claimed uuid;
      BEGIN
        INSERT INTO tenant_jobs (tenant_id, job)
        SELECT t.id, p_job FROM tenants t
         WHERE (p_tenant_ids IS NULL OR t.id = ANY(p_tenant_ids))
           AND NOT EXISTS (SELECT 1 FROM tenant_jobs j WHERE j.tenant_id = t.id AND j.job = p_job)
        ON CONFLICT DO NOTHING;
        WITH due AS (
          SELECT j.tenant_id FROM tenant_jobs j
           WHERE j.job = p_job AND (p_tenant_ids IS NULL OR j.tenant_id = ANY(p_tenant_ids))
             AND (j.last_run_at IS NULL OR j.last_run_at < date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
             AND (j.claimed_until IS NULL OR j.claimed_until < now())
           ORDER BY j.last_run_at NULLS FIRST
           LIMIT 1
           FOR UPDATE SKIP LOCKED
        )
        UPDATE tenant_jobs j SET claimed_until = now() + make_interval(secs => p_lease_seconds)
          FROM due WHERE j.tenant_id = due.tenant_id AND j.job = p_job
        RETURNING j.tenant_id INTO claimed;
        RETURN claimed;
      END $fn$`);
    await db.query('REVOKE ALL ON FUNCTION claim_tenant_job FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION claim_tenant_job TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION claim_tenant_job');
    await db.query('DROP TABLE tenant_jobs');
    await db.query('DROP TRIGGER app_passwords_expiry_reminders_forget ON app_passwords');
    await db.query('DROP FUNCTION app_password_expiry_reminders_forget');
    await db.query('DROP TABLE app_password_unused_notices');
    await db.query('DROP INDEX app_passwords_tenant_id_expires_at_idx');
    await db.query('DROP INDEX app_passwords_tenant_id_unused_since_idx');
    await db.query(`
      ALTER TABLE app_passwords DROP CONSTRAINT app_passwords_expiry_reminder_days_check,
        DROP COLUMN expiry_reminder_days`);
    await db.query(`
      ALTER TABLE tenant_policies DROP CONSTRAINT tenant_policies_revoke_unused_after_days_range,
        DROP COLUMN expiry_reminders, DROP COLUMN revoke_unused_after_days`);
  }
}
