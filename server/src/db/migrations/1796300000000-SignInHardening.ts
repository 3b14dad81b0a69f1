import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1796200000000-RowLevelSecurity.js';

const OUTCOMES_BEFORE = ['SUCCESS', 'UNKNOWN_USER', 'WRONG_PASSWORD', 'EXPIRED', 'REVOKED', 'POLICY_OFF', 'USER_DISABLED', 'THROTTLED'];
/** BUSY: the server was too busy to check (counts as no failure); WRONG_CODE: a wrong two-step or recovery code. */
const OUTCOMES = [...OUTCOMES_BEFORE, 'BUSY', 'WRONG_CODE'];
const METHODS = ['APP_PASSWORD', 'PASSWORD', 'TWO_STEP_CODE', 'RECOVERY_CODE'];

const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

const THROTTLE_FUNCTIONS = [
  {
    // Takes a place on each counter, or says why not (BLOCKED, or WAIT while attempts in flight hold the budget).
    // The place is taken optimistically and given back in the same transaction when it cannot be had, so the common
    // case writes each row once, and a blocked attempt writes nothing.
    signature: `begin_sign_in_attempt(p_keys text[], p_max_failures int[], p_window_seconds int[], p_block_seconds int[],
                                      p_known_key text, p_stale_seconds int)`,
    returns: 'TABLE (verdict text, ends_at timestamptz, known_device boolean)',
    body: `
      DECLARE
        v_known boolean := p_known_key IS NOT NULL AND EXISTS (
          SELECT 1 FROM known_sign_in_devices d WHERE d.key = p_known_key AND d.last_success_at > now() - interval '90 days');
        -- A known device answers to its own counter (the first) only.
        v_n int := CASE WHEN v_known THEN 1 ELSE cardinality(p_keys) END;
        v_blocked_until timestamptz;
        v_room boolean;
      BEGIN
        SELECT max(t.blocked_until) INTO v_blocked_until
          FROM sign_in_throttles t WHERE t.key = ANY(p_keys[1:v_n]) AND t.blocked_until > now();
        IF v_blocked_until IS NOT NULL THEN
          RETURN QUERY SELECT 'BLOCKED'::text, v_blocked_until, v_known;
          RETURN;
        END IF;
        -- Rows are created and locked in one order everywhere (COLLATE "C"), so concurrent attempts never deadlock.
        WITH taken AS (
          INSERT INTO sign_in_throttles AS t (key, max_failures, window_seconds, block_seconds, in_flight, in_flight_changed_at)
          SELECT k.key, k.max_failures, k.window_seconds, k.block_seconds, 1, now()
            FROM unnest(p_keys[1:v_n], p_max_failures[1:v_n], p_window_seconds[1:v_n], p_block_seconds[1:v_n])
                 AS k(key, max_failures, window_seconds, block_seconds)
           ORDER BY k.key COLLATE "C"
          ON CONFLICT (key) DO UPDATE SET
            max_failures = EXCLUDED.max_failures,
            window_seconds = EXCLUDED.window_seconds,
            block_seconds = EXCLUDED.block_seconds,
            failures = CASE WHEN t.window_started_at < now() - make_interval(secs => EXCLUDED.window_seconds) THEN 0 ELSE t.failures END,
            window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => EXCLUDED.window_seconds)
                                     THEN now() ELSE t.window_started_at END,
            -- Places of an instance that died mid-check are forgotten once nothing has moved for a while.
            in_flight = CASE WHEN t.in_flight_changed_at < now() - make_interval(secs => p_stale_seconds) THEN 0 ELSE t.in_flight END + 1,
            in_flight_changed_at = now(),
            updated_at = now()
          RETURNING t.failures, t.in_flight, t.max_failures, t.blocked_until)
        SELECT max(taken.blocked_until) FILTER (WHERE taken.blocked_until > now()), bool_and(taken.failures + taken.in_flight <= taken.max_failures)
          INTO v_blocked_until, v_room FROM taken;
        IF v_blocked_until IS NULL AND v_room THEN
          RETURN QUERY SELECT 'ALLOWED'::text, NULL::timestamptz, v_known;
          RETURN;
        END IF;
        -- Blocked meanwhile, or the budget is held by attempts still being checked: nothing counts, the place goes back.
        UPDATE sign_in_throttles t SET in_flight = t.in_flight - 1 WHERE t.key = ANY(p_keys[1:v_n]);
        RETURN QUERY SELECT CASE WHEN v_blocked_until IS NULL THEN 'WAIT' ELSE 'BLOCKED' END, v_blocked_until, v_known;
      END`,
  },
  {
    // Gives the place back. p_outcome: 'failed' counts a failure (starting or doubling a block at the limit),
    // 'succeeded' ends the streaks of p_streaks and remembers the known device, 'refund' only gives the place back.
    // Returns the counters this attempt blocked, and for how long.
    signature: 'settle_sign_in_attempt(p_keys text[], p_outcome text, p_streaks text[], p_max_block_seconds int, p_known_key text)',
    returns: 'TABLE (blocked_key text, blocked_for double precision)',
    body: `
      BEGIN
        IF p_outcome = 'succeeded' AND p_known_key IS NOT NULL THEN
          INSERT INTO known_sign_in_devices AS d (key) VALUES (p_known_key)
          ON CONFLICT (key) DO UPDATE SET last_success_at = now() WHERE d.last_success_at < now() - interval '1 day';
        END IF;
        RETURN QUERY
        WITH locked AS (
          SELECT t.key, t.failures, t.max_failures, t.blocked_until FROM sign_in_throttles t
           WHERE t.key = ANY(p_keys) ORDER BY t.key COLLATE "C" FOR UPDATE
        ), counted AS (
          SELECT locked.key,
                 coalesce(locked.blocked_until > now(), false) AS blocked,
                 p_outcome = 'failed' AND locked.failures + 1 >= locked.max_failures AND NOT coalesce(locked.blocked_until > now(), false)
                   AS blocks_now,
                 p_outcome = 'succeeded' AND locked.key = ANY(p_streaks) AS ends_streak
            FROM locked
        ), settled AS (
          UPDATE sign_in_throttles t SET
            in_flight = greatest(t.in_flight - 1, 0),
            in_flight_changed_at = now(),
            failures = CASE
              WHEN counted.blocked THEN t.failures
              WHEN counted.blocks_now OR counted.ends_streak THEN 0
              WHEN p_outcome = 'failed' THEN t.failures + 1
              ELSE t.failures END,
            -- Blocks within a day of the last one's end double, up to the longest block.
            blocks = CASE
              WHEN counted.blocks_now THEN
                CASE WHEN t.blocked_until IS NULL OR t.blocked_until < now() - interval '1 day' THEN 1 ELSE t.blocks + 1 END
              WHEN counted.ends_streak AND NOT counted.blocked THEN 0
              ELSE t.blocks END,
            blocked_until = CASE
              WHEN counted.blocks_now THEN now() + make_interval(secs => least(p_max_block_seconds, t.block_seconds * 2 ^ (
                CASE WHEN t.blocked_until IS NULL OR t.blocked_until < now() - interval '1 day' THEN 0 ELSE t.blocks END)))
              ELSE t.blocked_until END,
            window_started_at = CASE WHEN counted.blocks_now THEN now() ELSE t.window_started_at END,
            updated_at = now()
           FROM counted
          WHERE t.key = counted.key
          RETURNING t.key, t.blocked_until, counted.blocks_now)
        SELECT settled.key, extract(epoch FROM settled.blocked_until - now())::float8 FROM settled WHERE settled.blocks_now;
      END`,
  },
];

/**
 * Throttling that cannot be turned against users, and a sign-in log that
 * covers the console:
 * - a counter holds attempts in flight apart from failures, so a correct
 *   attempt never counts as a failure however many run at once, and the
 *   budget of guesses still cannot be overrun by parallel attempts;
 * - no block lasts forever (the per-user block was until the user acted);
 * - "known devices": a sign-in name and address that succeeded in the last
 *   90 days, which the per-user and per-address blocks do not stop;
 * - the sign-in log records how someone signed in (`method`), console
 *   sign-ins and two-step codes included.
 */
export class SignInHardening1796300000000 implements MigrationInterface {
  name = 'SignInHardening1796300000000';

  async up(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');

    await db.query(`
      ALTER TABLE sign_in_throttles
        ADD COLUMN in_flight integer NOT NULL DEFAULT 0,
        ADD COLUMN in_flight_changed_at timestamptz NOT NULL DEFAULT now()`);
    // Blocks "until the user acts" become the longest finite block; block_seconds is always set from now on.
    await db.query(`UPDATE sign_in_throttles SET blocked_until = now() + interval '1 day' WHERE blocked_until = 'infinity'`);
    await db.query(`UPDATE sign_in_throttles SET block_seconds = 3600 WHERE block_seconds IS NULL`);
    await db.query(`ALTER TABLE sign_in_throttles ALTER COLUMN block_seconds SET NOT NULL`);

    await db.query(`
      CREATE TABLE known_sign_in_devices (
        key text NOT NULL,
        last_success_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT known_sign_in_devices_pkey PRIMARY KEY (key)
      )`);
    await db.query(`CREATE INDEX known_sign_in_devices_last_success_at_idx ON known_sign_in_devices (last_success_at)`);
    // Keyed by sign-in name and address, before anyone is known: no tenant, no row-level security (like the counters).
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON known_sign_in_devices TO ${RUNTIME_ROLE}`);

    // One round trip to begin an attempt and one to settle it; plpgsql, so their plans are cached per connection.
    // What the counters mean is in modules/sign-in/sign-in-throttle.ts, which passes every limit in.
    for (const f of THROTTLE_FUNCTIONS) {
      await db.query(`
        CREATE FUNCTION ${f.signature} RETURNS ${f.returns}
          LANGUAGE plpgsql VOLATILE SET search_path = ${schema}, pg_temp
        AS $fn$
        #variable_conflict use_column
        ${f.body}
        $fn$`);
      const name = f.signature.slice(0, f.signature.indexOf('('));
      await db.query(`REVOKE ALL ON FUNCTION ${name} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${name} TO ${RUNTIME_ROLE}`);
    }

    await db.query(`
      ALTER TABLE sign_in_events
        ADD COLUMN method text NOT NULL DEFAULT 'APP_PASSWORD',
        ADD CONSTRAINT sign_in_events_method_check CHECK (method IN (${quoted(METHODS)})),
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted(OUTCOMES)}))`);
    await db.query('DROP FUNCTION record_sign_in_events');
    await db.query(`
      CREATE FUNCTION record_sign_in_events(p_occurred_at timestamptz[], p_tenant_ids uuid[], p_user_ids uuid[], p_app_password_ids uuid[],
                                            p_sign_in_names text[], p_methods text[], p_outcomes text[], p_client_ips inet[],
                                            p_user_agents text[], p_attempts int[])
        RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
      BEGIN
        -- One statement for the attempts of many tenants (and of nobody known): the log is written across tenants.
        INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, method, outcome, client_ip,
                                    user_agent, attempts)
        SELECT * FROM unnest(p_occurred_at, p_tenant_ids, p_user_ids, p_app_password_ids, p_sign_in_names, p_methods, p_outcomes,
                             p_client_ips, p_user_agents, p_attempts);
      END $fn$`);
    await db.query('REVOKE ALL ON FUNCTION record_sign_in_events FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION record_sign_in_events TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ schema }]: [{ schema: string }] = await db.query('SELECT quote_ident(current_schema()) AS schema');
    await db.query('DROP FUNCTION record_sign_in_events');
    await db.query(`DELETE FROM sign_in_events WHERE method <> 'APP_PASSWORD' OR outcome IN ('BUSY', 'WRONG_CODE')`);
    await db.query(`
      ALTER TABLE sign_in_events
        DROP CONSTRAINT sign_in_events_outcome_check,
        ADD CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN (${quoted(OUTCOMES_BEFORE)})),
        DROP COLUMN method`);
    await db.query(`
      CREATE FUNCTION record_sign_in_events(p_occurred_at timestamptz[], p_tenant_ids uuid[], p_user_ids uuid[], p_app_password_ids uuid[],
                                            p_sign_in_names text[], p_outcomes text[], p_client_ips inet[], p_user_agents text[], p_attempts int[])
        RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ${schema}, pg_temp
      AS $fn$
      BEGIN
        INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, outcome, client_ip, user_agent, attempts)
        SELECT * FROM unnest(p_occurred_at, p_tenant_ids, p_user_ids, p_app_password_ids, p_sign_in_names, p_outcomes,
                             p_client_ips, p_user_agents, p_attempts);
      END $fn$`);
    await db.query('REVOKE ALL ON FUNCTION record_sign_in_events FROM PUBLIC');
    await db.query(`GRANT EXECUTE ON FUNCTION record_sign_in_events TO ${RUNTIME_ROLE}`);
    for (const f of THROTTLE_FUNCTIONS) await db.query(`DROP FUNCTION ${f.signature.slice(0, f.signature.indexOf('('))}`);
    await db.query('DROP TABLE known_sign_in_devices');
    await db.query(`ALTER TABLE sign_in_throttles ALTER COLUMN block_seconds DROP NOT NULL`);
    await db.query(`ALTER TABLE sign_in_throttles DROP COLUMN in_flight, DROP COLUMN in_flight_changed_at`);
  }
}
