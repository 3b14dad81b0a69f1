import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns whose change a provider sees as a change of the user (SCIM's `meta.lastModified`). */
const SCIM_VISIBLE = ['email', 'display_name', 'status', 'external_id', 'given_name', 'family_name', 'work_email'];

/**
 * SCIM 2.0 provisioning (issue 13). A user keeps what an identity provider
 * says of them beyond the sign-in name and display name: the name's parts and
 * a work address that differs from the sign-in name (`emails[type eq
 * "work"]`). `updated_at` is SCIM's `meta.lastModified`: a trigger moves it
 * when any of those columns really changes, whoever changes it (console,
 * SCIM, CLI), and never on a password change or a sign-in. The new columns
 * are in `users`, so the table's row-level security covers them already.
 */
export class ScimProvisioning1797600000000 implements MigrationInterface {
  name = 'ScimProvisioning1797600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users
        ADD COLUMN given_name text,
        ADD COLUMN family_name text,
        ADD COLUMN work_email text,
        ADD COLUMN updated_at timestamptz,
        ADD CONSTRAINT users_given_name_length_check CHECK (char_length(given_name) BETWEEN 1 AND 100),
        ADD CONSTRAINT users_family_name_length_check CHECK (char_length(family_name) BETWEEN 1 AND 100),
        ADD CONSTRAINT users_work_email_length_check CHECK (char_length(work_email) BETWEEN 3 AND 254)`);
    await db.query('UPDATE users SET updated_at = created_at');
    await db.query('ALTER TABLE users ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL');
    await db.query(`
      CREATE FUNCTION users_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $fn$`);
    const old = SCIM_VISIBLE.map((c) => `OLD.${c}`).join(', ');
    const changed = SCIM_VISIBLE.map((c) => `NEW.${c}`).join(', ');
    await db.query(`
      CREATE TRIGGER users_updated_at BEFORE UPDATE OF ${SCIM_VISIBLE.join(', ')} ON users
        FOR EACH ROW WHEN ((${old}) IS DISTINCT FROM (${changed}))
        EXECUTE FUNCTION users_set_updated_at()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER users_updated_at ON users');
    await db.query('DROP FUNCTION users_set_updated_at()');
    await db.query(`
      ALTER TABLE users
        DROP COLUMN updated_at,
        DROP COLUMN work_email,
        DROP COLUMN family_name,
        DROP COLUMN given_name`);
  }
}
