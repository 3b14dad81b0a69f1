import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION } from './1797500000000-SingleSignOn.js';

/**
 * The session lookup of migration SingleSignOn, with, when `language`, the
 * language the user chose in the console (null until they choose): the
 * console shows in it, and `viewer { chosenLanguage }` needs no query of its own.
 */
function sessionForToken(schema: string, language: boolean): string {
  return `
    CREATE FUNCTION session_for_token(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
                     two_step_required_for_admin boolean, email text, display_name text, tenant_name text,
                     must_change_password boolean, authentication_methods text[]${language ? ', chosen_language text' : ''})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at,
               ${TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION} AS two_step_required_for_admin, u.email, u.display_name,
               t.name AS tenant_name, u.must_change_password, s.authentication_methods,
               CASE WHEN u.language_chosen THEN u.language END AS chosen_language
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at,
             found.two_step_required_for_admin, found.email, found.display_name, found.tenant_name,
             found.must_change_password, found.authentication_methods${language ? ', found.chosen_language' : ''} FROM found;
    END $fn$`;
}

/**
 * How many deliveries wait in the outbox and how many endpoints are failing,
 * over every tenant, for the metrics (row-level security keeps the server's
 * own role to one tenant at a time). Counts, nothing else.
 */
const WEBHOOK_BACKLOG = `
  CREATE FUNCTION webhook_backlog() RETURNS TABLE (waiting bigint, failing_endpoints bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %SCHEMA%, pg_temp
  AS $fn$
    SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING'),
           (SELECT count(*) FROM webhook_endpoints WHERE failing_since IS NOT NULL AND enabled)
  $fn$`;

/**
 * The console speaks the language its user saved, and operators see the
 * webhook outbox (issue 14):
 * - `users.language_chosen`: the user chose their language in the console
 *   (setMyLanguage); until then `language` is only the mails' default
 *   (English) and the console follows the browser. Users who already chose
 *   Dutch, or changed their language at all (audited), have chosen.
 * - The session lookup returns the chosen language: the console reads it
 *   with the viewer on its first request, at no extra query.
 * - `webhook_backlog()`: deliveries waiting and endpoints failing, for the
 *   metrics.
 */
export class SessionLanguageAndWebhookBacklog1798100000000 implements MigrationInterface {
  name = 'SessionLanguageAndWebhookBacklog1798100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users ADD COLUMN language_chosen boolean NOT NULL DEFAULT false');
    await db.query(`
      UPDATE users u SET language_chosen = true
       WHERE u.language <> 'en'
          OR EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'user.language_changed' AND a.target_user_id = u.id)`);
    await this.replace(db, true);
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(WEBHOOK_BACKLOG.replace('%SCHEMA%', schema));
    await db.query('REVOKE ALL ON FUNCTION webhook_backlog FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION webhook_backlog TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION webhook_backlog()');
    await this.replace(db, false);
    await db.query('ALTER TABLE users DROP COLUMN language_chosen');
  }
  private async replace(db: QueryRunner, language: boolean): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION session_for_token(bytea, int)');
    await db.query(sessionForToken(schema, language));
    await db.query('REVOKE ALL ON FUNCTION session_for_token FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION session_for_token TO ${RUNTIME_ROLE}`);
  }
}
