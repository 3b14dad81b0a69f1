import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { SECURITY_INFO_SELECT } from './1797800000000-SecurityInfoWithSession.js';

/** The function's columns; `language` adds the session's chosen language after its authentication methods. */
const columns = (language: boolean) =>
  `id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
   two_step_required_for_admin boolean, email text, display_name text, tenant_name text,
   must_change_password boolean, authentication_methods text[]${language ? ', chosen_language text' : ''},
   app_passwords_enabled boolean, max_app_passwords_per_user int, require_two_step_for_app_passwords boolean,
   catalog jsonb, allowed_services text[], require_networks boolean, max_lifetime_days int,
   two_step_enabled_at timestamptz, recovery_codes_left int, app_passwords json`;

function create(schema: string, language: boolean, select: string): string {
  return `
    CREATE FUNCTION security_info_for_session(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (${columns(language)})
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    DECLARE
      v_session record;
      v_scope text := NULLIF(current_setting('app.tenant_id', true), '');
    BEGIN
      SELECT * INTO v_session FROM session_for_token(p_token_hash, p_idle_seconds);
      IF NOT FOUND THEN
        RETURN;
      END IF;
      IF v_scope IS NOT NULL AND v_scope <> v_session.tenant_id::text THEN
        RAISE EXCEPTION 'This transaction reads another tenant.' USING ERRCODE = 'insufficient_privilege';
      END IF;
      PERFORM set_config('app.tenant_id', v_session.tenant_id::text, true);
      RETURN QUERY
      SELECT v_session.id, v_session.user_id, v_session.tenant_id, v_session.role, v_session.authenticated_at,
             v_session.two_step_required_for_admin, v_session.email, v_session.display_name, v_session.tenant_name,
             v_session.must_change_password, v_session.authentication_methods${language ? ', v_session.chosen_language' : ''}, info.*
        FROM (SELECT) AS found LEFT JOIN (${select}) info ON true;
    END $fn$`;
}

/**
 * The security-info page's session lookup (migration SecurityInfoWithSession)
 * returns what `session_for_token` returns since SessionLanguageAndWebhookBacklog:
 * the user's chosen language too, so the console's first request, which asks
 * for it, still costs one statement. The page's read is unchanged.
 */
export class SecurityInfoCarriesLanguage1798200000000 implements MigrationInterface {
  name = 'SecurityInfoCarriesLanguage1798200000000';

  async up(db: QueryRunner): Promise<void> {
    await this.replace(db, true);
  }

  async down(db: QueryRunner): Promise<void> {
    await this.replace(db, false);
  }

  private async replace(db: QueryRunner, language: boolean): Promise<void> {
    await replaceSecurityInfoForSession(db, language, SECURITY_INFO_SELECT);
  }
}

/**
 * Installs `security_info_for_session` as this migration wrote it, with the
 * session's language or without, reading the page with `select` (a later
 * migration's frozen read, or SecurityInfoWithSession's).
 */
export async function replaceSecurityInfoForSession(db: QueryRunner, language: boolean, select: string): Promise<void> {
  const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
  await db.query('DROP FUNCTION security_info_for_session(bytea, int)');
  await db.query(create(schema, language, select));
  await db.query('REVOKE ALL ON FUNCTION security_info_for_session FROM PUBLIC');
  await db.query(`GRANT EXECUTE ON FUNCTION security_info_for_session TO ${RUNTIME_ROLE}`);
}
