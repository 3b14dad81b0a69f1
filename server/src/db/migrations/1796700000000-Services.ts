import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { APP_PASSWORD_REFUSAL_SQL } from './1796500000000-AppPasswordRefusal.js';

/** Every tenant's services until its admins change them, as this migration installs them (frozen here). */
const DEFAULT_SERVICES = [
  { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)' },
  { key: 'smtp', nameEn: 'Sending mail (SMTP)', nameNl: 'E-mail versturen (SMTP)' },
  { key: 'pop3', nameEn: 'Mail (POP3)', nameNl: 'E-mail (POP3)' },
  { key: 'caldav', nameEn: 'Calendars (CalDAV)', nameNl: 'Agenda’s (CalDAV)' },
  { key: 'carddav', nameEn: 'Contacts (CardDAV)', nameNl: 'Contacten (CardDAV)' },
  { key: 'webdav', nameEn: 'Files (WebDAV)', nameNl: 'Bestanden (WebDAV)' },
  { key: 'graphql', nameEn: 'GraphQL API', nameNl: 'GraphQL-API' },
];

const OUTCOMES_BEFORE = [
  'SUCCESS',
  'UNKNOWN_USER',
  'WRONG_PASSWORD',
  'EXPIRED',
  'REVOKED',
  'POLICY_OFF',
  'USER_DISABLED',
  'THROTTLED',
  'BUSY',
  'WRONG_CODE',
];
const OUTCOMES = [...OUTCOMES_BEFORE, 'SERVICE_NOT_ALLOWED', 'NETWORK_NOT_ALLOWED'];

const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');
const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

const LAST_USE_STALE = `(ap.last_used_at IS NULL OR ap.last_used_at < now() - interval '1 minute')`;

/**
 * What an app password may be used for: its own services (NULL: every
 * service the tenant allows, for app passwords from before services) that
 * the tenant still allows, and whether that is every service the tenant
 * allows (a check that names no service needs it). Networks as text.
 */
const SCOPE_COLUMNS = `ARRAY(SELECT s FROM unnest(coalesce(ap.services, tp.allowed_services)) s WHERE s = ANY(tp.allowed_services)),
             tp.allowed_services <@ coalesce(ap.services, tp.allowed_services),
             ap.networks::text[]`;

/** The two check functions, with three new columns: services, every_service, networks. */
const CHECK_FUNCTIONS = [
  {
    signature: 'app_password_sign_in_candidate(p_name text, p_tags bytea[], p_tenant_id uuid)',
    returns: `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, secret_hash text,
                     lookup_tag bytea, refusal text, last_use_stale boolean, services text[], every_service boolean, networks text[])`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ap.secret_hash, ap.lookup_tag, ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE},
             ${SCOPE_COLUMNS}
        FROM users u
        JOIN tenant_policies tp ON tp.tenant_id = u.tenant_id
        LEFT JOIN app_passwords ap ON ap.user_id = u.id AND ap.tenant_id = u.tenant_id AND ap.lookup_tag = ANY(p_tags)
       WHERE lower(u.email) = p_name AND (p_tenant_id IS NULL OR u.tenant_id = p_tenant_id);`,
  },
  {
    signature: 'confirm_app_passwords(p_ids uuid[])',
    returns: `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, refusal text, last_use_stale boolean,
                     services text[], every_service boolean, networks text[])`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE}, ${SCOPE_COLUMNS}
        FROM app_passwords ap
        JOIN users u ON u.id = ap.user_id AND u.tenant_id = ap.tenant_id
        JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
       WHERE ap.id = ANY(p_ids);`,
  },
];

/**
 * Uses of app passwords, many at once: last used (at most once a minute per
 * app password), the service used (at most once a minute per app password
 * and service), and the network (/24 or /64) used from, with an audit event
 * the first time an app password is used from a network it has not been
 * used from in 90 days. ON CONFLICT makes that first time one row however
 * many instances see it at once.
 */
const RECORD_USES = {
  signature: 'record_app_password_uses(p_ids uuid[], p_ips inet[], p_services text[])',
  body: `
    UPDATE app_passwords ap SET last_used_at = now(), last_used_ip = t.ip
      FROM (SELECT DISTINCT ON (u.id) u.id, u.ip FROM unnest(p_ids, p_ips) AS u(id, ip)) t
     WHERE ap.id = t.id AND ${LAST_USE_STALE};

    INSERT INTO app_password_service_uses AS su (tenant_id, app_password_id, service, last_used_at)
    SELECT DISTINCT ap.tenant_id, ap.id, u.service, now()
      FROM unnest(p_ids, p_services) AS u(id, service) JOIN app_passwords ap ON ap.id = u.id
     WHERE u.service IS NOT NULL
    ON CONFLICT (app_password_id, service) DO UPDATE SET last_used_at = now()
     WHERE su.last_used_at < now() - interval '1 minute';

    WITH used AS (
      SELECT DISTINCT ON (ap.id, n.network) ap.tenant_id, ap.user_id, ap.id, ap.name, u.ip, n.network
        FROM unnest(p_ids, p_ips) AS u(id, ip)
        JOIN app_passwords ap ON ap.id = u.id
        CROSS JOIN LATERAL (SELECT network(set_masklen(u.ip, CASE WHEN family(u.ip) = 4 THEN 24 ELSE 64 END))::cidr AS network) n
       WHERE u.ip IS NOT NULL
    ), first_time AS (
      INSERT INTO app_password_networks AS seen (tenant_id, app_password_id, network, last_used_at)
      SELECT used.tenant_id, used.id, used.network, now() FROM used
      ON CONFLICT (app_password_id, network) DO UPDATE SET last_used_at = now()
       WHERE seen.last_used_at < now() - interval '90 days'
      RETURNING seen.app_password_id, seen.network
    ), again AS (
      UPDATE app_password_networks seen SET last_used_at = now()
        FROM used
       WHERE seen.app_password_id = used.id AND seen.network = used.network
         AND seen.last_used_at < now() - interval '1 hour' AND seen.last_used_at >= now() - interval '90 days'
    )
    INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, client_ip, details)
    SELECT used.tenant_id, 'app_password.used_from_new_network', 'system', used.user_id, used.id, used.name, used.ip,
           jsonb_build_object('network', used.network::text)
      FROM used JOIN first_time ON first_time.app_password_id = used.id AND first_time.network = used.network;`,
};

const RECORD_USES_BEFORE = {
  signature: 'record_app_password_uses(p_ids uuid[], p_ips inet[])',
  body: `UPDATE app_passwords ap SET last_used_at = now(), last_used_ip = t.ip
      FROM (SELECT DISTINCT ON (u.id) u.id, u.ip FROM unnest(p_ids, p_ips) AS u(id, ip)) t
     WHERE ap.id = t.id AND ${LAST_USE_STALE};`,
};

/**
 * Services (issue 12). A tenant has a list of services (key, English and
 * Dutch name) kept with its policy, which also says which of them app
 * passwords may be used for at all (`allowed_services`) and whether new
 * app passwords must name the networks they may be used from. Each app
 * password has its services (NULL: every service the tenant allows; that is
 * what rows from before this migration get, so nothing stops working) and
 * at most 20 networks (empty: anywhere). The sign-in log records the service
 * asked for and two new outcomes. What each app password was used for, and
 * from where, is kept per service (30-day view) and per network (90-day
 * "new network" notice), written with last used in one batched statement.
 */
export class Services1796700000000 implements MigrationInterface {
  name = 'Services1796700000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    const keys = DEFAULT_SERVICES.map((s) => s.key);
    await db.query(`
      ALTER TABLE tenant_policies
        ADD COLUMN services jsonb NOT NULL DEFAULT ${sqlText(JSON.stringify(DEFAULT_SERVICES))}::jsonb,
        ADD COLUMN allowed_services text[] NOT NULL DEFAULT ARRAY[${quoted(keys)}]::text[],
        ADD COLUMN require_networks boolean NOT NULL DEFAULT false`);
    await db.query(`
      ALTER TABLE app_passwords
        ADD COLUMN services text[],
        ADD COLUMN networks cidr[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT app_passwords_networks_count CHECK (cardinality(networks) <= 20)`);
    await db.query(`
      ALTER TABLE sign_in_events
        ADD COLUMN service text,
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted(OUTCOMES)}))`);

    await db.query(`
      CREATE TABLE app_password_service_uses (
        tenant_id uuid NOT NULL,
        app_password_id uuid NOT NULL REFERENCES app_passwords (id) ON DELETE CASCADE,
        service text NOT NULL,
        last_used_at timestamptz NOT NULL,
        PRIMARY KEY (app_password_id, service))`);
    await db.query(`
      CREATE TABLE app_password_networks (
        tenant_id uuid NOT NULL,
        app_password_id uuid NOT NULL REFERENCES app_passwords (id) ON DELETE CASCADE,
        network cidr NOT NULL,
        last_used_at timestamptz NOT NULL,
        PRIMARY KEY (app_password_id, network))`);
    for (const table of ['app_password_service_uses', 'app_password_networks']) {
      // Written only through record_app_password_uses; gone with their app password.
      await db.query(`GRANT SELECT, DELETE ON ${table} TO ${RUNTIME_ROLE}`);
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);
    }

    await this.installCheckFunctions(db, schema, CHECK_FUNCTIONS);
    await db.query('DROP FUNCTION record_app_password_uses(uuid[], inet[])');
    await this.installFunction(db, schema, RECORD_USES.signature, 'void', 'VOLATILE', RECORD_USES.body);
    await db.query('DROP FUNCTION record_sign_in_events');
    await this.installFunction(
      db,
      schema,
      `record_sign_in_events(p_occurred_at timestamptz[], p_tenant_ids uuid[], p_user_ids uuid[], p_app_password_ids uuid[],
                             p_sign_in_names text[], p_methods text[], p_outcomes text[], p_client_ips inet[],
                             p_user_agents text[], p_attempts int[], p_services text[])`,
      'void',
      'VOLATILE',
      `-- One statement for the attempts of many tenants (and of nobody known): the log is written across tenants.
        INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, method, outcome, client_ip,
                                    user_agent, attempts, service)
        SELECT * FROM unnest(p_occurred_at, p_tenant_ids, p_user_ids, p_app_password_ids, p_sign_in_names, p_methods, p_outcomes,
                             p_client_ips, p_user_agents, p_attempts, p_services);`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION record_sign_in_events');
    await this.installFunction(
      db,
      schema,
      `record_sign_in_events(p_occurred_at timestamptz[], p_tenant_ids uuid[], p_user_ids uuid[], p_app_password_ids uuid[],
                             p_sign_in_names text[], p_methods text[], p_outcomes text[], p_client_ips inet[],
                             p_user_agents text[], p_attempts int[])`,
      'void',
      'VOLATILE',
      `INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, method, outcome, client_ip,
                                    user_agent, attempts)
        SELECT * FROM unnest(p_occurred_at, p_tenant_ids, p_user_ids, p_app_password_ids, p_sign_in_names, p_methods, p_outcomes,
                             p_client_ips, p_user_agents, p_attempts);`,
    );
    await db.query('DROP FUNCTION record_app_password_uses(uuid[], inet[], text[])');
    await this.installFunction(db, schema, RECORD_USES_BEFORE.signature, 'void', 'VOLATILE', RECORD_USES_BEFORE.body);
    await this.installCheckFunctions(
      db,
      schema,
      CHECK_FUNCTIONS.map((f) => ({
        ...f,
        returns: f.returns.replace(', services text[], every_service boolean, networks text[]', ''),
        body: f.body.replace(`,\n             ${SCOPE_COLUMNS}`, '').replace(`, ${SCOPE_COLUMNS}`, ''),
      })),
    );
    await db.query('DROP TABLE app_password_networks');
    await db.query('DROP TABLE app_password_service_uses');
    await db.query(`DELETE FROM sign_in_events WHERE outcome IN ('SERVICE_NOT_ALLOWED', 'NETWORK_NOT_ALLOWED')`);
    await db.query(`
      ALTER TABLE sign_in_events
        DROP COLUMN service,
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted(OUTCOMES_BEFORE)}))`);
    await db.query('ALTER TABLE app_passwords DROP CONSTRAINT app_passwords_networks_count, DROP COLUMN networks, DROP COLUMN services');
    await db.query('ALTER TABLE tenant_policies DROP COLUMN require_networks, DROP COLUMN allowed_services, DROP COLUMN services');
  }

  /** A new result type: dropped and created again, with the same owner-only grants. */
  private async installCheckFunctions(db: QueryRunner, schema: string, functions: typeof CHECK_FUNCTIONS): Promise<void> {
    for (const f of functions) {
      await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
      await this.installFunction(db, schema, f.signature, f.returns, 'STABLE', f.body);
    }
  }

  private async installFunction(db: QueryRunner, schema: string, signature: string, returns: string, volatility: string, body: string) {
    await db.query(`
      CREATE FUNCTION ${signature} RETURNS ${returns}
        LANGUAGE plpgsql ${volatility} SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
      #variable_conflict use_column
      BEGIN
        ${body}
      END $fn$`);
    const name = signature.slice(0, signature.indexOf('('));
    await db.query(`REVOKE ALL ON FUNCTION ${name} FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION ${name} TO ${RUNTIME_ROLE}`);
  }
}
