import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { TWO_STEP_REQUIRED_FOR_ADMIN } from './1796600000000-SessionViewer.js';

/**
 * The admin rule as the session lookup applies it from this migration on:
 * `twoStepRequiredForAdminSql('u', 's')`, frozen here (a unit test fails when
 * the rule changes without a migration). A session opened through the
 * tenant's identity provider with a second factor there counts as two-step.
 */
export const TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION = `(${TWO_STEP_REQUIRED_FOR_ADMIN}
      AND NOT ('provider_mfa' = ANY(s.authentication_methods)))`;

/**
 * The session lookup of migration UserLifecycle (with must_change_password),
 * with the admin rule `rule` and, when `methods`, the session's methods.
 */
function sessionForToken(schema: string, rule: string, methods: boolean): string {
  return `
    CREATE FUNCTION session_for_token(p_token_hash bytea, p_idle_seconds int)
      RETURNS TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz,
                     two_step_required_for_admin boolean, email text, display_name text, tenant_name text,
                     must_change_password boolean${methods ? ', authentication_methods text[]' : ''})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
    AS $fn$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at,
               ${rule} AS two_step_required_for_admin, u.email, u.display_name, t.name AS tenant_name,
               u.must_change_password, s.authentication_methods
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at,
             found.two_step_required_for_admin, found.email, found.display_name, found.tenant_name,
             found.must_change_password${methods ? ', found.authentication_methods' : ''} FROM found;
    END $fn$`;
}

/**
 * Single sign-on with OpenID Connect (issue 13):
 * - `identity_providers`: one per tenant; the client secret only sealed with
 *   a key derived from the server key (never readable from the database alone).
 * - `tenant_policies.password_sign_in`: off, only single sign-on and the
 *   break-glass admins (with two-step verification) sign in with a password.
 * - `sso_tenant_for_domain`: which tenant signs in the names of a domain
 *   through its provider, answered by the domain alone (see identity-provider.rules.ts).
 * - The session lookup returns the session's methods and counts a second
 *   factor at the provider (`provider_mfa`) for the admins' two-step rule.
 */
export class SingleSignOn1797500000000 implements MigrationInterface {
  name = 'SingleSignOn1797500000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      CREATE TABLE identity_providers (
        tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        issuer text NOT NULL,
        client_id text NOT NULL,
        client_secret bytea NOT NULL,
        sign_in_claim text NOT NULL DEFAULT 'email',
        display_name text NOT NULL,
        accepted_acr_values text[] NOT NULL DEFAULT '{}',
        user_creation text NOT NULL DEFAULT 'ONLY_PROVISIONED'
          CONSTRAINT identity_providers_user_creation_check CHECK (user_creation IN ('ONLY_PROVISIONED', 'CREATE_ON_FIRST_SIGN_IN')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON identity_providers TO ${RUNTIME_ROLE}`);
    await db.query('ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY');
    await db.query(`
      CREATE POLICY identity_providers_tenant_isolation ON identity_providers
        USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);
    await db.query('ALTER TABLE tenant_policies ADD COLUMN password_sign_in boolean NOT NULL DEFAULT true');

    // The tenant whose provider signs in the names of a domain: the one tenant with a provider that has users there.
    await db.query(`
      CREATE FUNCTION sso_tenant_for_domain(p_domain text)
        RETURNS TABLE (tenant_id uuid, display_name text, password_sign_in boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
        WITH candidates AS (
          SELECT ip.tenant_id, ip.display_name, tp.password_sign_in
            FROM identity_providers ip JOIN tenant_policies tp ON tp.tenant_id = ip.tenant_id
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = ip.tenant_id AND split_part(u.email, '@', 2) = lower(p_domain))
        )
        SELECT c.tenant_id, c.display_name, c.password_sign_in FROM candidates c WHERE (SELECT count(*) FROM candidates) = 1
      $fn$`);
    await db.query('REVOKE ALL ON FUNCTION sso_tenant_for_domain FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION sso_tenant_for_domain TO ${RUNTIME_ROLE}`);
    await db.query("CREATE INDEX users_email_domain ON users ((split_part(email, '@', 2)))");

    await this.replace(db, schema, TWO_STEP_REQUIRED_FOR_ADMIN_IN_SESSION, true);
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await this.replace(db, schema, TWO_STEP_REQUIRED_FOR_ADMIN, false);
    await db.query('DROP INDEX users_email_domain');
    await db.query('DROP FUNCTION sso_tenant_for_domain(text)');
    await db.query('ALTER TABLE tenant_policies DROP COLUMN password_sign_in');
    await db.query('DROP TABLE identity_providers');
  }

  private async replace(db: QueryRunner, schema: string, rule: string, methods: boolean): Promise<void> {
    await db.query('DROP FUNCTION session_for_token(bytea, int)');
    await db.query(sessionForToken(schema, rule, methods));
    await db.query('REVOKE ALL ON FUNCTION session_for_token FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION session_for_token TO ${RUNTIME_ROLE}`);
  }
}
