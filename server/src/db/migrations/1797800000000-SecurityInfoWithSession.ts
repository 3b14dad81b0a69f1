import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

/**
 * The security-info read, `securityInfoSelect('v_session.tenant_id',
 * 'v_session.user_id')` of modules/security-info/security-info.read.ts when
 * this migration was written, frozen here: a test fails when the module's
 * read changes without a migration that installs it here too.
 */
export const SECURITY_INFO_SELECT = `SELECT tp.app_passwords_enabled, tp.max_app_passwords_per_user, tp.require_two_step_for_app_passwords,
                tp.services AS catalog, tp.allowed_services, tp.require_networks, tp.max_lifetime_days,
                (SELECT t.confirmed_at FROM totp_authenticators t
            WHERE t.user_id = v_session.user_id AND t.tenant_id = v_session.tenant_id AND t.confirmed_at IS NOT NULL) AS two_step_enabled_at,
          (SELECT count(*)::int FROM recovery_codes r
            WHERE r.user_id = v_session.user_id AND r.tenant_id = v_session.tenant_id AND r.used_at IS NULL) AS recovery_codes_left,
                (SELECT coalesce(json_agg(own ORDER BY own.created_at ASC, own.id ASC), '[]')
                   FROM (SELECT ap.id, ap.tenant_id, ap.user_id, ap.name, ap.created_at, ap.expires_at, ap.last_used_at, host(ap.last_used_ip) AS last_used_ip, CASE WHEN ap.previous_valid_until > now() THEN ap.previous_valid_until END AS rotating_until, ARRAY(SELECT s FROM unnest(coalesce(ap.services, tp.allowed_services)) s WHERE s = ANY(tp.allowed_services)) AS services,
          ap.networks::text[] AS networks,
          ARRAY(SELECT su.service FROM app_password_service_uses su
                 WHERE su.app_password_id = ap.id AND su.last_used_at > now() - interval '30 days'
                 ORDER BY su.service) AS used_services
                           FROM app_passwords ap
                          WHERE ap.tenant_id = tp.tenant_id AND ap.user_id = v_session.user_id) own) AS app_passwords
           FROM tenant_policies tp
          WHERE tp.tenant_id = v_session.tenant_id`;

/**
 * The console's security-info page in one statement, session included
 * (issue 16): `security_info_for_session` looks the session up with
 * `session_for_token` (its expiry and idle rules, its last-seen update,
 * SECURITY DEFINER as before), scopes the statement's own transaction to the
 * session's tenant (`set_config(…, true)`, gone when the statement ends), and
 * reads the page under row-level security: it runs as the role that calls
 * it, so the policies hold as for any other read. Called inside a
 * transaction already scoped to another tenant, it refuses. A live session
 * always gets its row; the page's columns are null when its tenant has no
 * policy row (the ordinary read then says NOT_FOUND, as before).
 */
export class SecurityInfoWithSession1797800000000 implements MigrationInterface {
  name = 'SecurityInfoWithSession1797800000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      CREATE FUNCTION security_info_for_session(p_token_hash bytea, p_idle_seconds int)
        RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
                       two_step_required_for_admin boolean, email text, display_name text, tenant_name text,
                       must_change_password boolean, authentication_methods text[],
                       app_passwords_enabled boolean, max_app_passwords_per_user int, require_two_step_for_app_passwords boolean,
                       catalog jsonb, allowed_services text[], require_networks boolean, max_lifetime_days int,
                       two_step_enabled_at timestamptz, recovery_codes_left int, app_passwords json)
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
               v_session.must_change_password, v_session.authentication_methods, info.*
          FROM (SELECT) AS found LEFT JOIN (${SECURITY_INFO_SELECT}) info ON true;
      END $fn$`);
    await db.query('REVOKE ALL ON FUNCTION security_info_for_session FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION security_info_for_session TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION security_info_for_session(bytea, int)');
  }
}
