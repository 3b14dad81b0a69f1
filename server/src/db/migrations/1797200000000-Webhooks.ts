import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

/**
 * Which audit action is delivered as which event, with the details it
 * carries, as `webhookEventsSql()` (modules/webhooks/webhook-events.ts)
 * generated it when this migration was written, frozen here so that this
 * migration installs the same text whenever it runs. A change to the table
 * is a new migration; a unit test fails until there is one.
 */
export const WEBHOOK_EVENTS_SQL =
  "(VALUES ('app_password.created', 'app_password.created', ARRAY['services', 'networks']::text[]), " +
  "('app_password.deleted', 'app_password.deleted', ARRAY[]::text[]), " +
  "('app_password.revoked', 'app_password.revoked', ARRAY['reason']::text[]), " +
  "('app_password.expiring', 'app_password.expiring', ARRAY['expiresAt', 'daysLeft']::text[]), " +
  "('app_password.used_from_new_network', 'app_password.used_from_new_network', ARRAY['network']::text[]), " +
  "('app_password.rotated', 'app_password.rotated', ARRAY['overlapEndsAt']::text[]), " +
  "('tenant_policy.updated', 'tenant_policy.changed', ARRAY['before', 'after', 'revokedAppPasswords']::text[]), " +
  "('user.disabled', 'user.disabled', ARRAY[]::text[]), " +
  "('user.sign_in_blocked', 'sign_in.throttled', ARRAY['method', 'blockedForSeconds']::text[]))";

/**
 * The outbox, filled in the transaction of the change: one delivery per
 * audit event of the statement and enabled endpoint of its tenant that
 * subscribed to its event, with the payload as the receiver gets it
 * (Standard Webhooks' `{type, timestamp, data}`). When no endpoint is enabled
 * anywhere it returns before looking at the statement's rows.
 */
const ENQUEUE = `
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (tenant_id, endpoint_id, audit_event_id, event_type, order_key, payload)
  SELECT e.tenant_id, ep.id, e.id, m.event, coalesce(e.app_password_id, e.target_user_id),
         jsonb_build_object(
           'type', m.event,
           'timestamp', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'data', jsonb_build_object(
             'tenantId', e.tenant_id,
             'appPassword', CASE WHEN e.app_password_id IS NOT NULL
                                 THEN jsonb_build_object('id', e.app_password_id, 'name', e.app_password_name) END,
             'user', CASE WHEN e.target_user_id IS NOT NULL
                          THEN jsonb_build_object('id', e.target_user_id, 'signInName', u.email) END,
             'actor', jsonb_build_object('type', e.actor_type),
             'clientIp', host(e.client_ip),
             'service', e.details->>'service',
             'details', (SELECT coalesce(jsonb_object_agg(d.key, d.value), '{}'::jsonb)
                           FROM jsonb_each(e.details) d WHERE d.key = ANY(m.detail_keys))))
    FROM new_events e
    JOIN ${WEBHOOK_EVENTS_SQL} AS m(action, event, detail_keys) ON m.action = e.action
    JOIN webhook_endpoints ep ON ep.tenant_id = e.tenant_id AND ep.enabled AND m.event = ANY(ep.events)
    LEFT JOIN users u ON u.id = e.target_user_id AND u.tenant_id = e.tenant_id
   ORDER BY e.id, ep.id;
  RETURN NULL;`;

/** A delivery that may go now: due, not in flight, and no earlier one of its endpoint and order key still waiting. */
const CLAIM = `
  RETURN QUERY
  WITH busy AS (
    SELECT b.endpoint_id, count(*)::int AS n FROM webhook_deliveries b
     WHERE b.lease_until IS NOT NULL AND b.lease_until > now() AND b.status = 'PENDING'
     GROUP BY b.endpoint_id
  ), due AS (
    SELECT d.id, d.endpoint_id, d.next_attempt_at FROM webhook_deliveries d
     WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until <= now())
       AND (d.order_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM webhook_deliveries p
              WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key AND p.status = 'PENDING' AND p.id < d.id))
     ORDER BY d.next_attempt_at, d.id
     LIMIT p_limit * 4
     FOR UPDATE OF d SKIP LOCKED
  ), ranked AS (
    SELECT due.id, due.next_attempt_at,
           row_number() OVER (PARTITION BY due.endpoint_id ORDER BY due.next_attempt_at, due.id) + coalesce(busy.n, 0) AS slot
      FROM due LEFT JOIN busy ON busy.endpoint_id = due.endpoint_id
  ), chosen AS (
    SELECT ranked.id FROM ranked WHERE ranked.slot <= p_per_endpoint ORDER BY ranked.next_attempt_at, ranked.id LIMIT p_limit
  ), claimed AS (
    UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => p_lease_ms / 1000.0), attempts = d.attempts + 1
      FROM chosen WHERE d.id = chosen.id
    RETURNING d.id, d.endpoint_id, d.message_id, d.attempts, d.payload, d.retry_from
  )
  SELECT c.id, c.endpoint_id, c.message_id, c.attempts, c.payload::text, c.retry_from, ep.url,
         ep.secret_sealed, CASE WHEN ep.previous_secret_until > now() THEN ep.previous_secret_sealed END
    FROM claimed c JOIN webhook_endpoints ep ON ep.id = c.endpoint_id
   ORDER BY c.id;`;

/**
 * What the attempts came to, many at once. An attempt whose lease another
 * worker took over since (it ran past its lease) changes nothing. Delivered:
 * the endpoint is no longer failing. Given up (no retry time): the delivery
 * failed, and so is the endpoint.
 */
const FINISH = `
  WITH r AS (
    SELECT * FROM unnest(p_ids, p_attempts, p_status_codes, p_durations, p_errors, p_retry_at)
      AS r(id, attempt, status_code, duration_ms, error, retry_at)
  ), done AS (
    UPDATE webhook_deliveries d SET
      status = CASE WHEN r.error IS NULL THEN 'DELIVERED' WHEN r.retry_at IS NULL THEN 'FAILED' ELSE 'PENDING' END,
      next_attempt_at = coalesce(r.retry_at, d.next_attempt_at),
      lease_until = NULL,
      last_attempt_at = now(),
      last_status_code = r.status_code,
      last_duration_ms = r.duration_ms,
      last_error = r.error,
      delivered_at = CASE WHEN r.error IS NULL THEN now() END
      FROM r WHERE d.id = r.id AND d.attempts = r.attempt AND d.status = 'PENDING'
    RETURNING d.endpoint_id, d.status, d.id
  ), latest AS (
    SELECT DISTINCT ON (endpoint_id) endpoint_id, status FROM done WHERE status <> 'PENDING' ORDER BY endpoint_id, id DESC
  )
  UPDATE webhook_endpoints ep SET failing_since = CASE WHEN latest.status = 'DELIVERED' THEN NULL ELSE coalesce(ep.failing_since, now()) END
    FROM latest WHERE ep.id = latest.endpoint_id;`;

/** Deliveries that reached an end (delivered or failed) and are older than the days kept for the console. */
const RETENTION = `
  WITH gone AS (
    DELETE FROM webhook_deliveries WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => p_days) RETURNING 1)
  SELECT count(*)::int INTO removed FROM gone;
  RETURN removed;`;

const FUNCTIONS: Array<{ signature: string; returns: string; body: string; declare?: string }> = [
  {
    signature: 'claim_webhook_deliveries(p_limit int, p_per_endpoint int, p_lease_ms int)',
    returns: `TABLE (id bigint, endpoint_id uuid, message_id uuid, attempts int, payload text, retry_from timestamptz, url text,
                     secret_sealed bytea, previous_secret_sealed bytea)`,
    body: CLAIM,
  },
  {
    signature: `finish_webhook_deliveries(p_ids bigint[], p_attempts int[], p_status_codes int[], p_durations int[], p_errors text[],
                                          p_retry_at timestamptz[])`,
    returns: 'void',
    body: FINISH,
  },
  { signature: 'apply_webhook_delivery_retention(p_days int)', returns: 'int', body: RETENTION, declare: 'DECLARE removed int;' },
];

/**
 * Webhooks for integrators (issue 14): a tenant's endpoints (URL, events,
 * a signing secret sealed with the server key) and the deliveries to them,
 * both under row-level security for the console's reads. An AFTER INSERT
 * trigger on audit_events fills the outbox in the transaction of the change;
 * workers of every instance claim due deliveries across tenants through
 * SECURITY DEFINER functions (FOR UPDATE SKIP LOCKED, then a lease), post
 * them and record what came of it.
 */
export class Webhooks1797200000000 implements MigrationInterface {
  name = 'Webhooks1797200000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        secret_sealed bytea NOT NULL,
        previous_secret_sealed bytea,
        previous_secret_until timestamptz,
        secret_rotated_at timestamptz,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_endpoints_events_not_empty CHECK (cardinality(events) > 0)
      )`);
    await db.query('CREATE INDEX webhook_endpoints_tenant_id_idx ON webhook_endpoints (tenant_id, created_at)');
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        message_id uuid NOT NULL DEFAULT gen_random_uuid(),
        audit_event_id bigint NOT NULL,
        event_type text NOT NULL,
        order_key uuid,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        retry_from timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code int,
        last_duration_ms int,
        last_error text,
        delivered_at timestamptz,
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'))
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'PENDING'`);
    await db.query(`CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, order_key, id) WHERE status = 'PENDING'`);
    await db.query(`CREATE INDEX webhook_deliveries_leased_idx ON webhook_deliveries (endpoint_id) WHERE lease_until IS NOT NULL`);
    await db.query('CREATE INDEX webhook_deliveries_endpoint_id_idx ON webhook_deliveries (endpoint_id, id)');

    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO ${RUNTIME_ROLE}`);
    // The console reads deliveries and sends one again; only the trigger and the workers' functions add or finish them.
    await db.query(`GRANT SELECT, UPDATE (status, next_attempt_at, retry_from, lease_until) ON webhook_deliveries TO ${RUNTIME_ROLE}`);
    for (const table of ['webhook_endpoints', 'webhook_deliveries']) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);
    }

    await db.query(`
      CREATE FUNCTION enqueue_webhook_deliveries() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
      BEGIN
        ${ENQUEUE}
      END $fn$`);
    await db.query('REVOKE ALL ON FUNCTION enqueue_webhook_deliveries FROM PUBLIC');
    await db.query(`
      CREATE TRIGGER audit_events_webhooks AFTER INSERT ON audit_events
        REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION enqueue_webhook_deliveries()`);

    for (const f of FUNCTIONS) {
      await db.query(`
        CREATE FUNCTION ${f.signature} RETURNS ${f.returns}
          LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
        AS $fn$
        #variable_conflict use_column
        ${f.declare ?? ''}
        BEGIN
          ${f.body}
        END $fn$`);
      const name = f.signature.slice(0, f.signature.indexOf('('));
      await db.query(`REVOKE ALL ON FUNCTION ${name} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${name} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const f of [...FUNCTIONS].reverse()) await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
    await db.query('DROP TRIGGER audit_events_webhooks ON audit_events');
    await db.query('DROP FUNCTION enqueue_webhook_deliveries()');
    await db.query('DROP TABLE webhook_deliveries');
    await db.query('DROP TABLE webhook_endpoints');
  }
}
