import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the server answers requests as: not the owner of anything, subject to row-level security. */
export const RUNTIME_ROLE = 'app_passwords_runtime';

/** Every table whose rows belong to one tenant, by its `tenant_id` column. */
const TENANT_TABLES = [
  'tenant_policies',
  'users',
  'app_passwords',
  'sessions',
  'audit_events',
  'sign_in_events',
  'api_tokens',
  'totp_authenticators',
  'recovery_codes',
];

const TABLE_PRIVILEGES: Array<[string, string]> = [
  ['tenants', 'SELECT'],
  ['tenant_policies', 'SELECT, UPDATE'],
  ['users', 'SELECT, INSERT, UPDATE'],
  ['app_passwords', 'SELECT, INSERT, UPDATE, DELETE'],
  ['sessions', 'SELECT, INSERT, UPDATE, DELETE'],
  // Append-only for the server: no UPDATE or DELETE at all; retention runs as the owner (apply_audit_retention).
  ['audit_events', 'SELECT, INSERT'],
  // Written only through record_sign_in_events, which sees every tenant.
  ['sign_in_events', 'SELECT'],
  ['api_tokens', 'SELECT, INSERT, UPDATE, DELETE'],
  ['totp_authenticators', 'SELECT, INSERT, UPDATE, DELETE'],
  ['recovery_codes', 'SELECT, INSERT, UPDATE, DELETE'],
  // Keyed by sign-in name and IP, before anyone is known: no tenant, no row-level security.
  ['sign_in_throttles', 'SELECT, INSERT, UPDATE, DELETE'],
  ['schema_migrations', 'SELECT'],
];

/**
 * The few things that must look across tenants because nobody is known yet:
 * finding who signs in (console, app password, API token, session cookie),
 * and the batched writes and checks that serve many tenants at once. Each
 * runs as the owner (SECURITY DEFINER), does one narrow thing, and returns
 * only what the caller needs to go on in the right tenant.
 */
const FUNCTIONS: Array<{ signature: string; returns: string; volatility: string; body: string }> = [
  {
    // Console sign-in: the user behind a sign-in name (names are unique across tenants).
    signature: 'console_sign_in_user(p_name text)',
    returns: 'TABLE (id uuid, tenant_id uuid, email text, role text, password_hash text, status text)',
    volatility: 'STABLE',
    body: `RETURN QUERY SELECT u.id, u.tenant_id, u.email, u.role, u.password_hash, u.status FROM users u WHERE lower(u.email) = p_name;`,
  },
  {
    // An app signing in cold: the one candidate found by the lookup tags, and why a right secret would still be refused.
    signature: 'app_password_sign_in_candidate(p_name text, p_tags bytea[], p_tenant_id uuid)',
    returns: `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, secret_hash text,
                     lookup_tag bytea, refusal text, last_use_stale boolean)`,
    volatility: 'STABLE',
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ap.secret_hash, ap.lookup_tag,
             ${refusal('u', 'ap', 'tp')}, ${lastUseStale('ap')}
        FROM users u
        JOIN tenant_policies tp ON tp.tenant_id = u.tenant_id
        LEFT JOIN app_passwords ap ON ap.user_id = u.id AND ap.tenant_id = u.tenant_id AND ap.lookup_tag = ANY(p_tags)
       WHERE lower(u.email) = p_name AND (p_tenant_id IS NULL OR u.tenant_id = p_tenant_id);`,
  },
  {
    // The warm path: app passwords remembered by some instance, confirmed by primary key, many at once.
    signature: 'confirm_app_passwords(p_ids uuid[])',
    returns: `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, refusal text, last_use_stale boolean)`,
    volatility: 'STABLE',
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ${refusal('u', 'ap', 'tp')}, ${lastUseStale('ap')}
        FROM app_passwords ap
        JOIN users u ON u.id = ap.user_id AND u.tenant_id = ap.tenant_id
        JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
       WHERE ap.id = ANY(p_ids);`,
  },
  {
    // Last used, at most once a minute per app password (checked again here, for other instances).
    signature: 'record_app_password_uses(p_ids uuid[], p_ips inet[])',
    returns: 'void',
    volatility: 'VOLATILE',
    body: `UPDATE app_passwords ap SET last_used_at = now(), last_used_ip = t.ip
        FROM (SELECT DISTINCT ON (u.id) u.id, u.ip FROM unnest(p_ids, p_ips) AS u(id, ip)) t
       WHERE ap.id = t.id AND ${lastUseStale('ap')};`,
  },
  {
    // Key rotation: an app password found under a previous server key gets its tag under the current one.
    signature: 'retag_app_password(p_id uuid, p_old_tag bytea, p_new_tag bytea, p_key_id text)',
    returns: 'void',
    volatility: 'VOLATILE',
    body: `UPDATE app_passwords SET lookup_tag = p_new_tag, lookup_key_id = p_key_id WHERE id = p_id AND lookup_tag = p_old_tag;`,
  },
  {
    // The sign-in log's batched write: one statement for the attempts of many tenants (and of nobody known).
    signature: `record_sign_in_events(p_occurred_at timestamptz[], p_tenant_ids uuid[], p_user_ids uuid[], p_app_password_ids uuid[],
                                      p_sign_in_names text[], p_outcomes text[], p_client_ips inet[], p_user_agents text[], p_attempts int[])`,
    returns: 'void',
    volatility: 'VOLATILE',
    body: `INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, outcome, client_ip, user_agent, attempts)
      SELECT * FROM unnest(p_occurred_at, p_tenant_ids, p_user_ids, p_app_password_ids, p_sign_in_names, p_outcomes,
                           p_client_ips, p_user_agents, p_attempts);`,
  },
  {
    // The session behind a console cookie, if it is complete and alive; keeps the idle window sliding (once a minute).
    signature: 'session_for_token(p_token_hash bytea, p_idle_seconds int)',
    returns: 'TABLE (id uuid, user_id uuid, tenant_id uuid, role text, authenticated_at timestamptz)',
    volatility: 'VOLATILE',
    body: `RETURN QUERY
      WITH found AS (
        SELECT s.id, s.user_id, s.tenant_id, u.role, s.authenticated_at, s.last_seen_at
          FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
         WHERE s.token_hash = p_token_hash AND NOT s.two_step_pending AND s.expires_at > now()
           AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds) AND u.status = 'ACTIVE'
      ), seen AS (
        UPDATE sessions s SET last_seen_at = now() FROM found
         WHERE s.id = found.id AND found.last_seen_at < now() - interval '1 minute'
      )
      SELECT found.id, found.user_id, found.tenant_id, found.role, found.authenticated_at FROM found;`,
  },
  {
    // A sign-in waiting for its second step.
    signature: 'pending_sign_in_for_token(p_token_hash bytea)',
    returns: 'TABLE (id uuid, user_id uuid, tenant_id uuid)',
    volatility: 'STABLE',
    body: `RETURN QUERY
      SELECT s.id, s.user_id, s.tenant_id
        FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
       WHERE s.token_hash = p_token_hash AND s.two_step_pending AND s.expires_at > now() AND u.status = 'ACTIVE';`,
  },
  {
    // Signing out by cookie, whatever stage the sign-in is in.
    signature: 'end_sign_in_for_token(p_token_hash bytea)',
    returns: 'void',
    volatility: 'VOLATILE',
    body: `DELETE FROM sessions WHERE token_hash = p_token_hash;`,
  },
  {
    // An integrator's bearer token: found by its tags, tagged again under the current key, last use recorded once a minute.
    signature: 'api_token_for_tags(p_tags bytea[], p_current_tag bytea, p_key_id text)',
    returns: 'TABLE (id uuid, tenant_id uuid, scopes text[])',
    volatility: 'VOLATILE',
    body: `RETURN QUERY
      WITH found AS (
        SELECT t.id, t.tenant_id, t.scopes, t.last_used_at, t.token_tag FROM api_tokens t
         WHERE t.token_tag = ANY(p_tags) AND t.expires_at > now()
      ), touched AS (
        UPDATE api_tokens t SET last_used_at = now(), token_tag = p_current_tag, token_key_id = p_key_id
          FROM found
         WHERE t.id = found.id
           AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute' OR found.token_tag <> p_current_tag)
      )
      SELECT found.id, found.tenant_id, found.scopes FROM found;`,
  },
  {
    // The only way audit events ever go: older than their tenant's retention.
    signature: 'apply_audit_retention()',
    returns: 'int',
    volatility: 'VOLATILE',
    body: `PERFORM set_config('app_passwords.audit_retention', 'on', true);
      WITH gone AS (
        DELETE FROM audit_events e USING tenant_policies tp
         WHERE tp.tenant_id = e.tenant_id AND e.occurred_at < now() - make_interval(days => tp.audit_retention_days)
        RETURNING 1)
      SELECT count(*)::int INTO removed FROM gone;
      PERFORM set_config('app_passwords.audit_retention', 'off', true);
      RETURN removed;`,
  },
];

/** Why a correct app password is still refused, or NULL: the rules as of this migration (since AppPasswordRefusal: app-passwords/app-password-refusal.ts). */
function refusal(u: string, ap: string, tp: string): string {
  return `CASE
      WHEN ${u}.status <> 'ACTIVE' THEN 'USER_DISABLED'
      WHEN ${ap}.expires_at <= now() THEN 'EXPIRED'
      WHEN NOT (${tp}.app_passwords_enabled OR ${tp}.existing_when_disabled = 'KEEP_WORKING') THEN 'POLICY_OFF'
    END`;
}

function lastUseStale(ap: string): string {
  return `(${ap}.last_used_at IS NULL OR ${ap}.last_used_at < now() - interval '1 minute')`;
}

/**
 * Row-level security as defence in depth. The server connects as the owner
 * only to migrate; it answers requests as `app_passwords_runtime`, which owns
 * nothing and so cannot bypass the policies. Every tenant-owned table shows
 * and accepts only the rows of the tenant named by `app.tenant_id`, which the
 * server sets per transaction (`withTenant`); a query outside such a
 * transaction sees no tenant's rows at all. A new table with a tenant_id
 * needs the same (a test lists the tables that lack it).
 */
export class RowLevelSecurity1796200000000 implements MigrationInterface {
  name = 'RowLevelSecurity1796200000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    // Roles belong to the whole cluster: another database of this cluster may have made it already, maybe just now.
    await db.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${RUNTIME_ROLE}') THEN
          BEGIN
            CREATE ROLE ${RUNTIME_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT ${RUNTIME_ROLE} TO %I', current_user);
        END IF;
      END $$`);
    await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${RUNTIME_ROLE}`);
    for (const [table, privileges] of TABLE_PRIVILEGES) await db.query(`GRANT ${privileges} ON ${table} TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT USAGE ON SEQUENCE audit_events_id_seq TO ${RUNTIME_ROLE}`);

    await db.query(`
      CREATE FUNCTION app_current_tenant() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$`);
    for (const table of TENANT_TABLES) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);
    }
    await db.query(`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY`);
    await db.query(`CREATE POLICY tenants_tenant_isolation ON tenants USING (id = app_current_tenant())`);

    for (const f of FUNCTIONS) {
      const declare = f.signature.startsWith('apply_audit_retention') ? 'DECLARE removed int;' : '';
      await db.query(`
        CREATE FUNCTION ${f.signature} RETURNS ${f.returns}
          LANGUAGE plpgsql ${f.volatility} SECURITY DEFINER SET search_path = ${schema}, pg_temp
        AS $fn$
        #variable_conflict use_column
        ${declare}
        BEGIN
          ${f.body}
        END $fn$`);
      const name = f.signature.slice(0, f.signature.indexOf('('));
      await db.query(`REVOKE ALL ON FUNCTION ${name} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${name} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    for (const f of [...FUNCTIONS].reverse()) await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
    await db.query('DROP POLICY tenants_tenant_isolation ON tenants');
    await db.query('ALTER TABLE tenants DISABLE ROW LEVEL SECURITY');
    for (const table of TENANT_TABLES) {
      await db.query(`DROP POLICY ${table}_tenant_isolation ON ${table}`);
      await db.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await db.query('DROP FUNCTION app_current_tenant()');
    await db.query(`REVOKE ALL ON SEQUENCE audit_events_id_seq FROM ${RUNTIME_ROLE}`);
    for (const [table] of TABLE_PRIVILEGES) await db.query(`REVOKE ALL ON ${table} FROM ${RUNTIME_ROLE}`);
    await db.query(`REVOKE USAGE ON SCHEMA ${schema} FROM ${RUNTIME_ROLE}`);
    // The role stays: it belongs to the cluster, and other databases may use it.
  }
}
