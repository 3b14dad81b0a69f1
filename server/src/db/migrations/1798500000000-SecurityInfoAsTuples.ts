import type { MigrationInterface, QueryRunner } from 'typeorm';
import { replaceSecurityInfoForSession } from './1798200000000-SecurityInfoCarriesLanguage.js';
import { SECURITY_INFO_SELECT as OBJECTS } from './1797800000000-SecurityInfoWithSession.js';

/**
 * The security-info read, `securityInfoSelect('v_session.tenant_id',
 * 'v_session.user_id')` of modules/security-info/security-info.read.ts when
 * this migration was written, frozen here (a test fails when the module's
 * read changes without a migration that installs it).
 */
const TUPLES = `SELECT tp.app_passwords_enabled, tp.max_app_passwords_per_user, tp.require_two_step_for_app_passwords,
                tp.services AS catalog, tp.allowed_services, tp.require_networks, tp.max_lifetime_days,
                (SELECT t.confirmed_at FROM totp_authenticators t
            WHERE t.user_id = v_session.user_id AND t.tenant_id = v_session.tenant_id AND t.confirmed_at IS NOT NULL) AS two_step_enabled_at,
          (SELECT count(*)::int FROM recovery_codes r
            WHERE r.user_id = v_session.user_id AND r.tenant_id = v_session.tenant_id AND r.used_at IS NULL) AS recovery_codes_left,
                (SELECT coalesce(json_agg(json_build_array(ap.id, ap.name, ap.created_at, ap.expires_at, ap.last_used_at, host(ap.last_used_ip),
            CASE WHEN ap.previous_valid_until > now() THEN ap.previous_valid_until END,
            CASE WHEN ap.services IS NULL OR ap.services = tp.allowed_services THEN NULL ELSE ARRAY(SELECT s FROM unnest(ap.services) s WHERE s = ANY(tp.allowed_services)) END,
            ap.networks::text[], ARRAY(SELECT su.service FROM app_password_service_uses su
                 WHERE su.app_password_id = ap.id AND su.last_used_at > now() - interval '30 days'
                 ORDER BY su.service)) ORDER BY ap.created_at ASC, ap.id ASC), '[]')
                   FROM app_passwords ap
                  WHERE ap.tenant_id = tp.tenant_id AND ap.user_id = v_session.user_id) AS app_passwords
           FROM tenant_policies tp
          WHERE tp.tenant_id = v_session.tenant_id`;

/**
 * The security-info page's session lookup reads the app passwords as JSON
 * arrays instead of objects (issue 16, figure 11d): no keys repeated per app
 * password, no tenant or owner the lookup returns already, and no services
 * list where it is the tenant's allowed services. The same page in 6 kB of
 * JSON instead of 17 kB for 40 app passwords, which PostgreSQL writes and the
 * server parses in about half the time. The function's columns are unchanged.
 */
export class SecurityInfoAsTuples1798500000000 implements MigrationInterface {
  name = 'SecurityInfoAsTuples1798500000000';

  async up(db: QueryRunner): Promise<void> {
    await replaceSecurityInfoForSession(db, true, TUPLES);
  }

  async down(db: QueryRunner): Promise<void> {
    await replaceSecurityInfoForSession(db, true, OBJECTS);
  }
}
