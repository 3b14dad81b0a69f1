import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';
import { APP_PASSWORD_REFUSAL_SQL } from './1796500000000-AppPasswordRefusal.js';

const LAST_USE_STALE = `(ap.last_used_at IS NULL OR ap.last_used_at < now() - interval '1 minute')`;

/** As migration Services wrote them: what an app password may be used for and from. */
const SCOPE_COLUMNS = `ARRAY(SELECT s FROM unnest(coalesce(ap.services, tp.allowed_services)) s WHERE s = ANY(tp.allowed_services)),
             tp.allowed_services <@ coalesce(ap.services, tp.allowed_services),
             ap.networks::text[]`;

/** The secret a check's tags found: the current one, else the previous one while its overlap lasts. */
const MATCHES_CURRENT = 'ap.lookup_tag = ANY(p_tags)';
const MATCHES_PREVIOUS = '(ap.previous_lookup_tag = ANY(p_tags) AND ap.previous_valid_until > now())';

/** The previous secret's version while it still works, else NULL. */
const PREVIOUS_VERSION = 'CASE WHEN ap.previous_valid_until > now() THEN ap.previous_secret_version END';

const CANDIDATE_RETURNS = `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, secret_hash text,
                     lookup_tag bytea, refusal text, last_use_stale boolean, services text[], every_service boolean, networks text[]`;
const CONFIRM_RETURNS = `TABLE (user_id uuid, tenant_id uuid, email text, role text, app_password_id uuid, refusal text, last_use_stale boolean,
                     services text[], every_service boolean, networks text[]`;

/**
 * The two check functions. The cold one finds an app password by either
 * secret's tag and answers with that secret's hash, tag and version, and
 * whether it is the previous one (`previous_secret`) or the new one of a
 * rotation still keeping the previous (`rotating`: its first use ends that).
 * The warm one answers which versions of the secret work now, so that each
 * instance's memory of a success with a retired secret is refused at once.
 */
const CHECK_FUNCTIONS = [
  {
    signature: 'app_password_sign_in_candidate(p_name text, p_tags bytea[], p_tenant_id uuid)',
    returns: `${CANDIDATE_RETURNS}, secret_version int, previous_secret boolean, rotating boolean)`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id,
             CASE WHEN ${MATCHES_CURRENT} THEN ap.secret_hash ELSE ap.previous_secret_hash END,
             CASE WHEN ${MATCHES_CURRENT} THEN ap.lookup_tag ELSE ap.previous_lookup_tag END,
             ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE},
             ${SCOPE_COLUMNS},
             CASE WHEN ${MATCHES_CURRENT} THEN ap.secret_version ELSE ap.previous_secret_version END,
             ap.id IS NOT NULL AND NOT ${MATCHES_CURRENT},
             ap.previous_lookup_tag IS NOT NULL AND ${MATCHES_CURRENT}
        FROM users u
        JOIN tenant_policies tp ON tp.tenant_id = u.tenant_id
        LEFT JOIN app_passwords ap ON ap.user_id = u.id AND ap.tenant_id = u.tenant_id AND (${MATCHES_CURRENT} OR ${MATCHES_PREVIOUS})
       WHERE lower(u.email) = p_name AND (p_tenant_id IS NULL OR u.tenant_id = p_tenant_id);`,
  },
  {
    signature: 'confirm_app_passwords(p_ids uuid[])',
    returns: `${CONFIRM_RETURNS}, secret_version int, previous_secret_version int)`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE}, ${SCOPE_COLUMNS},
             ap.secret_version, ${PREVIOUS_VERSION}
        FROM app_passwords ap
        JOIN users u ON u.id = ap.user_id AND u.tenant_id = ap.tenant_id
        JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
       WHERE ap.id = ANY(p_ids);`,
  },
];

/** The same functions as migration Services installed them: what `down` puts back. */
const CHECK_FUNCTIONS_BEFORE = [
  {
    signature: CHECK_FUNCTIONS[0]!.signature,
    returns: `${CANDIDATE_RETURNS})`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ap.secret_hash, ap.lookup_tag, ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE},
             ${SCOPE_COLUMNS}
        FROM users u
        JOIN tenant_policies tp ON tp.tenant_id = u.tenant_id
        LEFT JOIN app_passwords ap ON ap.user_id = u.id AND ap.tenant_id = u.tenant_id AND ap.lookup_tag = ANY(p_tags)
       WHERE lower(u.email) = p_name AND (p_tenant_id IS NULL OR u.tenant_id = p_tenant_id);`,
  },
  {
    signature: CHECK_FUNCTIONS[1]!.signature,
    returns: `${CONFIRM_RETURNS})`,
    body: `RETURN QUERY
      SELECT u.id, u.tenant_id, u.email, u.role, ap.id, ${APP_PASSWORD_REFUSAL_SQL}, ${LAST_USE_STALE}, ${SCOPE_COLUMNS}
        FROM app_passwords ap
        JOIN users u ON u.id = ap.user_id AND u.tenant_id = ap.tenant_id
        JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
       WHERE ap.id = ANY(p_ids);`,
  },
];

/** Forgets the previous secret (the rows of `ended`) and audits why, as the server (`system`). */
const END_OVERLAP = `
      INSERT INTO audit_events (tenant_id, action, actor_type, target_user_id, app_password_id, app_password_name, client_ip, details)
      SELECT ended.tenant_id, 'app_password.rotation_finished', 'system', ended.user_id, ended.id, ended.name, %IP%,
             jsonb_build_object('reason', ended.reason)
        FROM ended`;
const FORGET_PREVIOUS = `previous_secret_hash = NULL, previous_lookup_tag = NULL, previous_lookup_key_id = NULL,
             previous_secret_version = NULL, previous_valid_until = NULL`;

/**
 * The overlap functions: both see every tenant (a check knows no tenant
 * before it runs; the sweep serves them all), run as the owner and do one
 * narrow thing. Each UPDATE takes the row's lock and checks again after it,
 * so two instances finishing the same rotation at once write one audit event.
 */
const OVERLAP_FUNCTIONS = [
  {
    // The first success with the new secret (`p_version`, so not with one a later rotation has replaced already).
    signature: 'finish_app_password_rotation(p_id uuid, p_version int, p_ip inet)',
    returns: 'void',
    body: `
      WITH ended AS (
        UPDATE app_passwords ap SET ${FORGET_PREVIOUS}
          FROM app_passwords old
         WHERE ap.id = p_id AND old.id = ap.id AND ap.secret_version = p_version AND ap.previous_lookup_tag IS NOT NULL
        RETURNING ap.tenant_id, ap.user_id, ap.id, ap.name,
                  CASE WHEN old.previous_valid_until > now() THEN 'new_secret_used' ELSE 'overlap_ended' END AS reason
      ) ${END_OVERLAP.replace('%IP%', 'p_ip')};`,
  },
  {
    // The sweep: overlaps whose 24 hours are over (the checks stopped accepting those secrets already).
    signature: 'end_app_password_rotation_overlaps()',
    returns: 'TABLE (finished int)',
    body: `RETURN QUERY
      WITH ended AS (
        UPDATE app_passwords ap SET ${FORGET_PREVIOUS}
         WHERE ap.previous_valid_until <= now()
        RETURNING ap.tenant_id, ap.user_id, ap.id, ap.name, 'overlap_ended'::text AS reason
      ), logged AS (${END_OVERLAP.replace('%IP%', 'NULL::inet')}
        RETURNING 1
      ) SELECT count(*)::int FROM logged;`,
  },
];

/**
 * Rotating an app password's secret (issue 14): a new secret for the same
 * app password, while the previous one keeps working until the new one is
 * first used or 24 hours pass. The previous secret's hash, tag, key id and
 * version stay on the row beside the current ones, with the end of the
 * overlap; `secret_version` tells the secrets apart, so that a success each
 * instance remembers is refused once its secret is retired. Partial indexes
 * find a previous tag (checks) and an overlap that is over (the sweep); both
 * hold only rows in the middle of a rotation.
 */
export class AppPasswordRotation1797000000000 implements MigrationInterface {
  name = 'AppPasswordRotation1797000000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      ALTER TABLE app_passwords
        ADD COLUMN secret_version int NOT NULL DEFAULT 1,
        ADD COLUMN previous_secret_hash text,
        ADD COLUMN previous_lookup_tag bytea,
        ADD COLUMN previous_lookup_key_id text,
        ADD COLUMN previous_secret_version int,
        ADD COLUMN previous_valid_until timestamptz,
        ADD CONSTRAINT app_passwords_previous_lookup_tag_length_check CHECK (octet_length(previous_lookup_tag) = 32),
        ADD CONSTRAINT app_passwords_previous_secret_check CHECK (
          (previous_lookup_tag IS NULL AND previous_secret_hash IS NULL AND previous_secret_version IS NULL AND previous_valid_until IS NULL)
          OR (previous_lookup_tag IS NOT NULL AND previous_secret_hash IS NOT NULL AND previous_secret_version IS NOT NULL
              AND previous_valid_until IS NOT NULL))`);
    await db.query(`
      CREATE INDEX app_passwords_previous_lookup_tag_idx ON app_passwords (previous_lookup_tag) WHERE previous_lookup_tag IS NOT NULL`);
    await db.query(`
      CREATE INDEX app_passwords_previous_valid_until_idx ON app_passwords (previous_valid_until) WHERE previous_valid_until IS NOT NULL`);
    await this.installCheckFunctions(db, schema, CHECK_FUNCTIONS);
    for (const f of OVERLAP_FUNCTIONS) {
      await this.installFunction(db, schema, f.signature, f.returns, 'VOLATILE', f.body);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    for (const f of OVERLAP_FUNCTIONS) await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
    await this.installCheckFunctions(db, schema, CHECK_FUNCTIONS_BEFORE);
    await db.query(`
      ALTER TABLE app_passwords
        DROP CONSTRAINT app_passwords_previous_secret_check,
        DROP CONSTRAINT app_passwords_previous_lookup_tag_length_check,
        DROP COLUMN previous_valid_until,
        DROP COLUMN previous_secret_version,
        DROP COLUMN previous_lookup_key_id,
        DROP COLUMN previous_lookup_tag,
        DROP COLUMN previous_secret_hash,
        DROP COLUMN secret_version`);
  }

  /** A new result type: dropped and created again, with the same owner-only grants. */
  private async installCheckFunctions(db: QueryRunner, schema: string, functions: typeof CHECK_FUNCTIONS): Promise<void> {
    for (const { signature, returns, body } of functions) {
      await db.query(`DROP FUNCTION ${signature.slice(0, signature.indexOf('('))}`);
      await this.installFunction(db, schema, signature, returns, 'STABLE', body);
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
