import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-step verification: an authenticator app (TOTP) per user with its
 * secret encrypted under a key derived from the server key, single-use
 * recovery codes stored as keyed hashes, sessions that wait for the second
 * step and remember when their user last proved who they are, and the tenant
 * rule that app passwords are only for users with two-step verification.
 */
export class TwoStepVerification1796000000000 implements MigrationInterface {
  name = 'TwoStepVerification1796000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE totp_authenticators (
        user_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        secret_ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        last_used_time_step bigint,
        CONSTRAINT totp_authenticators_pkey PRIMARY KEY (user_id),
        CONSTRAINT totp_authenticators_user_fkey FOREIGN KEY (tenant_id, user_id)
          REFERENCES users (tenant_id, id) ON DELETE CASCADE
      )`);

    await db.query(`
      CREATE TABLE recovery_codes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        code_tag bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        CONSTRAINT recovery_codes_pkey PRIMARY KEY (id),
        CONSTRAINT recovery_codes_user_fkey FOREIGN KEY (tenant_id, user_id)
          REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT recovery_codes_code_tag_length_check CHECK (octet_length(code_tag) = 32)
      )`);
    await db.query(`CREATE UNIQUE INDEX recovery_codes_user_id_code_tag_key ON recovery_codes (user_id, code_tag)`);

    await db.query(`
      ALTER TABLE sessions
        ADD COLUMN two_step_pending boolean NOT NULL DEFAULT false,
        ADD COLUMN authenticated_at timestamptz NOT NULL DEFAULT now()`);

    await db.query(`
      ALTER TABLE tenant_policies
        ADD COLUMN require_two_step_for_app_passwords boolean NOT NULL DEFAULT true`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tenant_policies DROP COLUMN require_two_step_for_app_passwords');
    await db.query('ALTER TABLE sessions DROP COLUMN authenticated_at, DROP COLUMN two_step_pending');
    await db.query('DROP TABLE recovery_codes');
    await db.query('DROP TABLE totp_authenticators');
  }
}
