import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sign-in log of app-password checks, and the shared failure counters that throttle them. */
export class SignInByApps1795700000000 implements MigrationInterface {
  name = 'SignInByApps1795700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sign_in_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        tenant_id uuid,
        user_id uuid,
        app_password_id uuid,
        sign_in_name text NOT NULL,
        outcome text NOT NULL,
        client_ip inet,
        user_agent text,
        CONSTRAINT sign_in_events_pkey PRIMARY KEY (id),
        CONSTRAINT sign_in_events_outcome_check CHECK (outcome IN
          ('SUCCESS', 'UNKNOWN_USER', 'WRONG_PASSWORD', 'EXPIRED', 'REVOKED', 'POLICY_OFF', 'USER_DISABLED', 'THROTTLED'))
      )`);
    await db.query(`CREATE INDEX sign_in_events_tenant_id_occurred_at_idx ON sign_in_events (tenant_id, occurred_at, id)`);

    await db.query(`
      CREATE TABLE sign_in_throttles (
        key text NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        max_failures integer NOT NULL,
        window_seconds integer NOT NULL,
        block_seconds integer,
        window_started_at timestamptz NOT NULL DEFAULT now(),
        blocked_until timestamptz,
        blocks integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sign_in_throttles_pkey PRIMARY KEY (key)
      )`);
    await db.query(`CREATE INDEX sign_in_throttles_updated_at_idx ON sign_in_throttles (updated_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE sign_in_throttles');
    await db.query('DROP TABLE sign_in_events');
  }
}
