import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

/**
 * The audit actions that mail the user they are about (the event's target),
 * as of this migration (frozen here; notifications/mail-templates.ts has a
 * template for each, and a unit test fails when the two differ). Revokes are
 * mailed unless the owners did it themselves.
 */
export const MAILED_ACTIONS = [
  'app_password.created',
  'app_password.revoked',
  'app_password.rotated',
  'app_password.expiring',
  'app_password.unused_notice',
  'app_password.used_from_new_network',
  'two_step.enabled',
  'two_step.removed',
  'two_step.reset',
  'user.sign_in_blocked',
] as const;

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Queues mails in the transaction of the change: one statement for a whole
 * INSERT into audit_events (a bulk revoke of 40 000 app passwords is one
 * statement), one message per owner and action, holding the audit event ids,
 * never any text (in no particular order: sorting them spills a bulk revoke's
 * 40 000 to disk, and the worker orders the ones it renders). Only connections of servers with SMTP_URL set say
 * `app_passwords.mail = on` (db/data-source.ts); elsewhere nothing is queued.
 * One pass over the events. Sign-in blocks mail a user at most once an hour:
 * an advisory lock per user makes two blocks at once see each other. The
 * function's own work_mem keeps a bulk change's grouping in memory (a hash,
 * not a sort spilled to disk: 300 ms → 40 ms for 40 000 events here).
 */
const QUEUE_FUNCTION = `
  DECLARE blocked jsonb;
  DECLARE b record;
  BEGIN
    IF current_setting('app_passwords.mail', true) IS DISTINCT FROM 'on' THEN
      RETURN NULL;
    END IF;
    WITH grouped AS (
      SELECT e.tenant_id, e.target_user_id, e.action, array_agg(e.id) AS ids
        FROM new_events e
       WHERE e.target_user_id IS NOT NULL
         AND e.action IN (${quoted(MAILED_ACTIONS)})
         AND NOT (e.action = 'app_password.revoked' AND e.actor_type = 'user' AND e.actor_user_id IS NOT DISTINCT FROM e.target_user_id)
       GROUP BY e.tenant_id, e.target_user_id, e.action
    ), queued AS (
      INSERT INTO mail_messages (tenant_id, user_id, kind, audit_event_ids)
      SELECT g.tenant_id, g.target_user_id, g.action, g.ids FROM grouped g WHERE g.action <> 'user.sign_in_blocked'
    )
    SELECT jsonb_agg(jsonb_build_object('tenant_id', g.tenant_id, 'user_id', g.target_user_id, 'ids', g.ids)) INTO blocked
      FROM grouped g WHERE g.action = 'user.sign_in_blocked';
    FOR b IN SELECT * FROM jsonb_to_recordset(coalesce(blocked, '[]')) AS x(tenant_id uuid, user_id uuid, ids bigint[]) LOOP
      PERFORM pg_advisory_xact_lock(hashtextextended('mail user.sign_in_blocked ' || b.user_id::text, 0));
      INSERT INTO mail_messages (tenant_id, user_id, kind, audit_event_ids)
      SELECT b.tenant_id, b.user_id, 'user.sign_in_blocked', b.ids
       WHERE NOT EXISTS (
         SELECT 1 FROM mail_messages m
          WHERE m.user_id = b.user_id AND m.kind = 'user.sign_in_blocked' AND m.created_at > now() - interval '1 hour');
    END LOOP;
    RETURN NULL;
  END`;

/** How many of a message's events a mail lists; the rest are "and N more". */
export const LISTED_EVENTS = 20;

/** The mail worker's functions: each runs as the owner, across tenants, and does one narrow thing. */
const FUNCTIONS: Array<{ signature: string; returns: string; body: string }> = [
  {
    // Due messages for this instance: leased for p_lease_seconds (a crashed instance's come back then), with what to render.
    signature: 'claim_mail_messages(p_limit int, p_lease_seconds int)',
    returns: `TABLE (id bigint, tenant_id uuid, user_id uuid, kind text, attempts int, created_at timestamptz, email text,
                     display_name text, language text, tenant_name text, event_count int, events jsonb)`,
    body: `RETURN QUERY
      WITH due AS (
        SELECT m.id FROM mail_messages m
         WHERE m.status = 'queued' AND m.next_attempt_at <= now()
         ORDER BY m.next_attempt_at, m.id
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE mail_messages m SET attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => p_lease_seconds)
          FROM due WHERE m.id = due.id
        RETURNING m.id, m.tenant_id, m.user_id, m.kind, m.attempts, m.created_at, m.audit_event_ids
      )
      SELECT c.id, c.tenant_id, c.user_id, c.kind, c.attempts, c.created_at, u.email, u.display_name, u.language, t.name,
             cardinality(c.audit_event_ids),
             (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'occurredAt', e.occurred_at, 'actorType', e.actor_type,
                       'byOwner', e.actor_user_id IS NOT DISTINCT FROM e.target_user_id,
                       'appPasswordName', e.app_password_name, 'clientIp', host(e.client_ip), 'details', e.details)
                       ORDER BY e.id), '[]'::jsonb)
                FROM audit_events e
               WHERE e.tenant_id = c.tenant_id AND e.id = ANY(c.audit_event_ids[1:${LISTED_EVENTS}]))
        FROM claimed c
        LEFT JOIN users u ON u.id = c.user_id AND u.tenant_id = c.tenant_id
        LEFT JOIN tenants t ON t.id = c.tenant_id;`,
  },
  {
    // The outcome of one attempt: sent, skipped, failed for good, or queued again for p_retry_at. A stale lease changes nothing.
    signature: 'settle_mail_message(p_id bigint, p_attempts int, p_status text, p_retry_at timestamptz, p_error text)',
    returns: 'void',
    body: `UPDATE mail_messages m
         SET status = p_status,
             next_attempt_at = coalesce(p_retry_at, m.next_attempt_at),
             finished_at = CASE WHEN p_status = 'queued' THEN NULL ELSE now() END,
             last_error = p_error
       WHERE m.id = p_id AND m.status = 'queued' AND (p_status = 'sent' OR m.attempts = p_attempts);`,
  },
  {
    // Finished messages are kept 30 days (what was sent, what failed), then go.
    signature: 'prune_mail_messages()',
    returns: 'int',
    body: `WITH gone AS (
        DELETE FROM mail_messages m WHERE m.status <> 'queued' AND m.finished_at < now() - interval '30 days' RETURNING 1)
      SELECT count(*)::int INTO removed FROM gone;
      RETURN removed;`,
  },
];

/**
 * Mail notifications (issue 14): each user's language for them, and a queue
 * of mails written by a statement-level trigger on audit_events in the
 * transaction of each change. Every instance with SMTP_URL claims due
 * messages (FOR UPDATE SKIP LOCKED, through claim_mail_messages), renders,
 * sends and settles them (notifications/mail-delivery.ts).
 */
export class MailNotifications1797300000000 implements MigrationInterface {
  name = 'MailNotifications1797300000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query(`
      ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'en'
        CONSTRAINT users_language_check CHECK (language IN ('en', 'nl'))`);
    await db.query(`
      CREATE TABLE mail_messages (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT mail_messages_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        kind text NOT NULL,
        audit_event_ids bigint[] NOT NULL,
        status text NOT NULL DEFAULT 'queued'
          CONSTRAINT mail_messages_status_check CHECK (status IN ('queued', 'sent', 'skipped', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        last_error text)`);
    await db.query(`CREATE INDEX mail_messages_due_idx ON mail_messages (next_attempt_at, id) WHERE status = 'queued'`);
    // For "at most one a user an hour" only: other kinds cost a bulk change no second index entry.
    await db.query(`
      CREATE INDEX mail_messages_sign_in_blocked_idx ON mail_messages (user_id, created_at) WHERE kind = 'user.sign_in_blocked'`);
    // Written by the trigger and the worker's functions only; the server may read its tenant's.
    await db.query(`GRANT SELECT ON mail_messages TO ${RUNTIME_ROLE}`);
    await db.query('ALTER TABLE mail_messages ENABLE ROW LEVEL SECURITY');
    await db.query(`
      CREATE POLICY mail_messages_tenant_isolation ON mail_messages
        USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`);

    await db.query(`
      CREATE FUNCTION queue_mail_notifications() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${schema}, pg_temp SET work_mem = '32MB'
      AS $fn$ ${QUEUE_FUNCTION} $fn$`);
    await db.query('REVOKE ALL ON FUNCTION queue_mail_notifications() FROM PUBLIC');
    await db.query(`
      CREATE TRIGGER audit_events_queue_mail AFTER INSERT ON audit_events
        REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION queue_mail_notifications()`);

    for (const f of FUNCTIONS) {
      const declare = f.returns === 'int' ? 'DECLARE removed int;' : '';
      await db.query(`
        CREATE FUNCTION ${f.signature} RETURNS ${f.returns}
          LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
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
    for (const f of [...FUNCTIONS].reverse()) await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
    await db.query('DROP TRIGGER audit_events_queue_mail ON audit_events');
    await db.query('DROP FUNCTION queue_mail_notifications()');
    await db.query('DROP TABLE mail_messages');
    await db.query('ALTER TABLE users DROP COLUMN language');
  }
}
