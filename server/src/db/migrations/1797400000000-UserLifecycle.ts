import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN } from './1796600000000-SessionViewer.js';

/** The session lookup, with or without `must_change_password` (frozen here like SessionViewer's). */
function sessionForToken(schema: string, withMustChange: boolean): string {
  const [column, select, result] = withMustChange
    ? [', must_change_password boolean', ', u.must_change_password', ', found.must_change_password']
    : ['', '', ''];
  return `
    CREATE FUNCTION session_for_token(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
                     two_step_required_for_admin boolean, email text, display_name text, tenant_name text${column})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at,
               ${TWO_STEP_REQUIRED_FOR_ADMIN} AS two_step_required_for_admin,
               u.email, u.display_name, t.name AS tenant_name${select}
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at,
             found.two_step_required_for_admin, found.email, found.display_name, found.tenant_name${result} FROM found;
    END $fn$`;
}

/**
 * Tenant admins manage their users (issue 13):
 * - `password_hash` may be NULL: a user without a password (single sign-on
 *   only); a password sign-in for them fails like a wrong password.
 * - `must_change_password`: set when an admin creates a user with a generated
 *   password; until it is changed their session may do nothing else (the
 *   session lookup returns it, so it costs no query).
 * - `last_sign_in_at`: the last console sign-in, whichever way.
 * - `external_id` (unique in the tenant when set) and `source` (local, scim,
 *   sso) for provisioning.
 * - The server may delete users (their app passwords go first, audited); audit
 *   events keep their ids, they have no foreign key to users.
 * - The users page pages and searches by prefix on `email_key` and
 *   `display_name_key` (lower case, bytewise): plain stored columns, because
 *   under row-level security a condition on `lower(email)` cannot use an index
 *   (lower() is not leakproof, so PostgreSQL filters row by row instead).
 */
export class UserLifecycle1797400000000 implements MigrationInterface {
  name = 'UserLifecycle1797400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users
        ALTER COLUMN password_hash DROP NOT NULL,
        ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
        ADD COLUMN last_sign_in_at timestamptz,
        ADD COLUMN external_id text,
        ADD COLUMN source text NOT NULL DEFAULT 'local',
        ADD COLUMN email_key text COLLATE "C" GENERATED ALWAYS AS (lower(email)) STORED,
        ADD COLUMN display_name_key text COLLATE "C" GENERATED ALWAYS AS (lower(display_name)) STORED,
        ADD CONSTRAINT users_source_check CHECK (source IN ('local', 'scim', 'sso')),
        ADD CONSTRAINT users_external_id_length_check CHECK (char_length(external_id) BETWEEN 1 AND 256)`);
    await db.query('CREATE UNIQUE INDEX users_tenant_id_external_id_key ON users (tenant_id, external_id) WHERE external_id IS NOT NULL');
    await db.query('CREATE INDEX users_tenant_id_email_key_idx ON users (tenant_id, email_key, id)');
    await db.query('CREATE INDEX users_tenant_id_display_name_key_idx ON users (tenant_id, display_name_key)');
    await db.query(`GRANT DELETE ON users TO ${RUNTIME_ROLE}`);
    await this.replaceSessionLookup(db, true);
  }

  async down(db: QueryRunner): Promise<void> {
    await this.replaceSessionLookup(db, false);
    await db.query(`REVOKE DELETE ON users FROM ${RUNTIME_ROLE}`);
    await db.query('DROP INDEX users_tenant_id_display_name_key_idx');
    await db.query('DROP INDEX users_tenant_id_email_key_idx');
    await db.query('DROP INDEX users_tenant_id_external_id_key');
    // Users without a password get one nobody knows (a hash of nothing that verifies).
    await db.query(`UPDATE users SET password_hash = '!' WHERE password_hash IS NULL`);
    await db.query(`
      ALTER TABLE users
        DROP CONSTRAINT users_external_id_length_check,
        DROP CONSTRAINT users_source_check,
        DROP COLUMN display_name_key,
        DROP COLUMN email_key,
        DROP COLUMN source,
        DROP COLUMN external_id,
        DROP COLUMN last_sign_in_at,
        DROP COLUMN must_change_password,
        ALTER COLUMN password_hash SET NOT NULL`);
  }

  private async replaceSessionLookup(db: QueryRunner, withMustChange: boolean): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION session_for_token(bytea, int)');
    await db.query(sessionForToken(schema, withMustChange));
    await db.query('REVOKE ALL ON FUNCTION session_for_token FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION session_for_token TO ${RUNTIME_ROLE}`);
  }
}
