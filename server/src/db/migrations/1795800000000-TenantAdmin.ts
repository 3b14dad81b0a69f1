import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What tenant admins need: the rest of the policy, indexes for the inventory
 * and the logs, API tokens, and an audit table the application can only
 * append to (the retention job excepted).
 */
export class TenantAdmin1795800000000 implements MigrationInterface {
  name = 'TenantAdmin1795800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE tenant_policies
        ADD COLUMN existing_when_disabled text NOT NULL DEFAULT 'BLOCK',
        ADD COLUMN max_lifetime_days integer,
        ADD COLUMN revoke_when_primary_password_changes boolean NOT NULL DEFAULT false,
        ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 90,
        ADD CONSTRAINT tenant_policies_existing_when_disabled_check CHECK (existing_when_disabled IN ('KEEP_WORKING', 'BLOCK')),
        ADD CONSTRAINT tenant_policies_max_lifetime_days_check CHECK (max_lifetime_days BETWEEN 1 AND 3650),
        ADD CONSTRAINT tenant_policies_audit_retention_days_check CHECK (audit_retention_days BETWEEN 1 AND 3650)`);

    // Inventory: keyset pages by creation or last use (never used sorts as -infinity), stable by id.
    await db.query(`CREATE INDEX app_passwords_tenant_id_created_at_idx ON app_passwords (tenant_id, created_at, id)`);
    await db.query(
      `CREATE INDEX app_passwords_tenant_id_last_used_idx ON app_passwords (tenant_id, (coalesce(last_used_at, '-infinity'::timestamptz)), id)`,
    );
    await db.query(`CREATE INDEX users_tenant_id_email_idx ON users (tenant_id, lower(email), id)`);
    await db.query(`CREATE INDEX sign_in_events_user_id_occurred_at_idx ON sign_in_events (user_id, occurred_at, id)`);
    await db.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at)`);

    await db.query(`
      CREATE TABLE api_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        scopes text[] NOT NULL,
        token_tag bytea NOT NULL,
        created_by_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        CONSTRAINT api_tokens_pkey PRIMARY KEY (id),
        CONSTRAINT api_tokens_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT api_tokens_name_length_check CHECK (char_length(name) BETWEEN 1 AND 64),
        CONSTRAINT api_tokens_token_tag_length_check CHECK (octet_length(token_tag) = 32)
      )`);
    await db.query(`CREATE UNIQUE INDEX api_tokens_token_tag_key ON api_tokens (token_tag)`);
    await db.query(`CREATE INDEX api_tokens_tenant_id_created_at_idx ON api_tokens (tenant_id, created_at, id)`);

    await db.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_type_check`);
    await db.query(
      `ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_check CHECK (actor_type IN ('user', 'operator', 'api_token', 'system'))`,
    );
    await db.query(`ALTER TABLE audit_events ADD COLUMN actor_api_token_id uuid`);

    // Append-only: UPDATE is always refused; DELETE only inside the retention job's transaction.
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('app_passwords.audit_retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER audit_events_no_truncate ON audit_events');
    await db.query('DROP TRIGGER audit_events_append_only ON audit_events');
    await db.query('DROP FUNCTION audit_events_append_only()');
    await db.query('ALTER TABLE audit_events DROP COLUMN actor_api_token_id');
    await db.query('DROP TABLE api_tokens');
    for (const index of [
      'audit_events_occurred_at_idx',
      'sign_in_events_user_id_occurred_at_idx',
      'users_tenant_id_email_idx',
      'app_passwords_tenant_id_last_used_idx',
      'app_passwords_tenant_id_created_at_idx',
    ]) {
      await db.query(`DROP INDEX ${index}`);
    }
    await db.query(`
      ALTER TABLE tenant_policies
        DROP COLUMN audit_retention_days, DROP COLUMN revoke_when_primary_password_changes,
        DROP COLUMN max_lifetime_days, DROP COLUMN existing_when_disabled`);
  }
}
