import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, their policies, users, app passwords, console sessions and the audit trail. */
export class Initial1795600000000 implements MigrationInterface {
  name = 'Initial1795600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tenants (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_pkey PRIMARY KEY (id),
        CONSTRAINT tenants_name_length_check CHECK (char_length(name) BETWEEN 1 AND 100)
      )`);
    await db.query(`CREATE UNIQUE INDEX tenants_name_lower_key ON tenants (lower(name))`);

    await db.query(`
      CREATE TABLE tenant_policies (
        tenant_id uuid NOT NULL,
        app_passwords_enabled boolean NOT NULL DEFAULT false,
        max_app_passwords_per_user integer NOT NULL DEFAULT 40,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenant_policies_pkey PRIMARY KEY (tenant_id),
        CONSTRAINT tenant_policies_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT tenant_policies_max_app_passwords_check CHECK (max_app_passwords_per_user BETWEEN 1 AND 40)
      )`);

    await db.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        status text NOT NULL DEFAULT 'ACTIVE',
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_pkey PRIMARY KEY (id),
        CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id),
        CONSTRAINT users_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT users_role_check CHECK (role IN ('USER', 'TENANT_ADMIN')),
        CONSTRAINT users_status_check CHECK (status IN ('ACTIVE', 'DISABLED')),
        CONSTRAINT users_email_length_check CHECK (char_length(email) BETWEEN 3 AND 254),
        CONSTRAINT users_display_name_length_check CHECK (char_length(display_name) BETWEEN 1 AND 100)
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await db.query(`
      CREATE TABLE app_passwords (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        name text NOT NULL,
        secret_hash text NOT NULL,
        lookup_tag bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        last_used_ip inet,
        CONSTRAINT app_passwords_pkey PRIMARY KEY (id),
        CONSTRAINT app_passwords_user_fkey FOREIGN KEY (tenant_id, user_id)
          REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT app_passwords_name_length_check CHECK (char_length(name) BETWEEN 1 AND 64),
        CONSTRAINT app_passwords_lookup_tag_length_check CHECK (octet_length(lookup_tag) = 32)
      )`);
    await db.query(`CREATE UNIQUE INDEX app_passwords_lookup_tag_key ON app_passwords (lookup_tag)`);
    await db.query(`CREATE INDEX app_passwords_user_id_created_at_idx ON app_passwords (user_id, created_at, id)`);

    await db.query(`
      CREATE TABLE sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        authentication_methods text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        client_ip inet,
        user_agent text,
        CONSTRAINT sessions_pkey PRIMARY KEY (id),
        CONSTRAINT sessions_user_fkey FOREIGN KEY (tenant_id, user_id)
          REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT sessions_token_hash_length_check CHECK (octet_length(token_hash) = 32)
      )`);
    await db.query(`CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash)`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await db.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);

    await db.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        tenant_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL,
        actor_type text NOT NULL,
        actor_user_id uuid,
        target_user_id uuid,
        app_password_id uuid,
        app_password_name text,
        client_ip inet,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT audit_events_pkey PRIMARY KEY (id),
        CONSTRAINT audit_events_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
        CONSTRAINT audit_events_actor_type_check CHECK (actor_type IN ('user', 'operator'))
      )`);
    await db.query(`CREATE INDEX audit_events_tenant_id_occurred_at_idx ON audit_events (tenant_id, occurred_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'sessions', 'app_passwords', 'users', 'tenant_policies', 'tenants']) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
