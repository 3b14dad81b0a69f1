import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
// The rule's SQL as frozen in the next session-lookup migration: the same text this one installed (`twoStepRequiredForAdminSql('u')`).
import { TWO_STEP_REQUIRED_FOR_ADMIN } from './1796600000000-SessionViewer.js';

/** What the admin rule adds to the session lookup: an output column, its value per session, and its place in the result. */
interface Extra {
  columns: string;
  select: string;
  result: string;
}

/** The session lookup as the row-level-security migration made it, plus `extra`. */
function sessionForToken(schema: string, extra: Extra): string {
  return `
    CREATE FUNCTION session_for_token(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz${extra.columns})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at${extra.select}
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at${extra.result} FROM found;
    END $fn$`;
}

/**
 * Tenant policy `require_two_step_for_admins` (on for every tenant, new and
 * existing: an admin with a password alone could change the policy, revoke
 * and mint API tokens). The session lookup answers, with the role it already
 * returned, whether the rule holds the session's admin back, so admin fields
 * refuse without a query of their own. Its result gains a column, which
 * CREATE OR REPLACE cannot do: it is dropped and created again in this
 * transaction, with the same SECURITY DEFINER, search_path and grant.
 */
export class TwoStepForAdmins1796400000000 implements MigrationInterface {
  name = 'TwoStepForAdmins1796400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tenant_policies ADD COLUMN require_two_step_for_admins boolean NOT NULL DEFAULT true');
    await this.replace(db, {
      columns: ', two_step_required_for_admin boolean',
      select: `, ${TWO_STEP_REQUIRED_FOR_ADMIN} AS two_step_required_for_admin`,
      result: ', found.two_step_required_for_admin',
    });
  }

  async down(db: QueryRunner): Promise<void> {
    await this.replace(db, { columns: '', select: '', result: '' });
    await db.query('ALTER TABLE tenant_policies DROP COLUMN require_two_step_for_admins');
  }

  private async replace(db: QueryRunner, extra: Extra): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION session_for_token(bytea, int)');
    await db.query(sessionForToken(schema, extra));
    await db.query('REVOKE ALL ON FUNCTION session_for_token FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION session_for_token TO ${RUNTIME_ROLE}`);
  }
}
