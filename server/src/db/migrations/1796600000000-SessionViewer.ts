import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

/**
 * Whether the tenant's rule on admins' two-step verification holds the
 * session's admin back: `twoStepRequiredForAdminSql('u')` when this migration was
 * written, frozen here (a test fails when the rule changes without a migration).
 */
export const TWO_STEP_REQUIRED_FOR_ADMIN = `CASE WHEN u.role = 'TENANT_ADMIN' THEN
        EXISTS (SELECT 1 FROM tenant_policies tp WHERE tp.tenant_id = u.tenant_id AND tp.require_two_step_for_admins)
        AND NOT EXISTS (SELECT 1 FROM totp_authenticators t
                         WHERE t.user_id = u.id AND t.tenant_id = u.tenant_id AND t.confirmed_at IS NOT NULL)
      ELSE false END`;

/** What the session lookup returns about the user beyond ids and role, and where it finds it. */
interface Viewer {
  columns: string;
  select: string;
  join: string;
  result: string;
}

/** The session lookup, returning `viewer` (the user's columns besides id and role) too. */
function sessionForToken(schema: string, viewer: Viewer): string {
  return `
    CREATE FUNCTION session_for_token(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
                     two_step_required_for_admin boolean${viewer.columns})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at,
               ${TWO_STEP_REQUIRED_FOR_ADMIN} AS two_step_required_for_admin${viewer.select}
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id${viewer.join}
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at,
             found.two_step_required_for_admin${viewer.result} FROM found;
    END $fn$`;
}

/**
 * The session lookup that every console request makes also returns who the
 * user is (sign-in name, display name, their organisation's name), so
 * `viewer { … tenant { name } }`, on every console page, is answered from the
 * lookup without a query of its own. A new output column: the function is
 * dropped and created again in this transaction, with the same SECURITY
 * DEFINER, search_path and grant.
 */
export class SessionViewer1796600000000 implements MigrationInterface {
  name = 'SessionViewer1796600000000';

  async up(db: QueryRunner): Promise<void> {
    await this.replace(db, {
      columns: ', email text, display_name text, tenant_name text',
      select: ', u.email, u.display_name, t.name AS tenant_name',
      join: ' JOIN tenants t ON t.id = s.tenant_id',
      result: ', found.email, found.display_name, found.tenant_name',
    });
  }

  async down(db: QueryRunner): Promise<void> {
    await this.replace(db, { columns: '', select: '', join: '', result: '' });
  }

  private async replace(db: QueryRunner, viewer: Viewer): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION session_for_token(bytea, int)');
    await db.query(sessionForToken(schema, viewer));
    await db.query('REVOKE ALL ON FUNCTION session_for_token FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION session_for_token TO ${RUNTIME_ROLE}`);
  }
}
