import type { DataSource } from 'typeorm';
import { hashSecret } from '../../common/argon2.js';
import { randomToken } from '../../common/secure-random.js';
import type { TenantService } from '../tenants/tenant.service.js';

export interface SeedOptions {
  tenantName: string;
  users: number;
  appPasswordsPerUser: number;
  signInEvents: number;
}

export interface SeedResult {
  tenantId: string;
  users: number;
  appPasswords: number;
  signInEvents: number;
  /** The primary password every seeded user shares (they are for load, not for people). */
  password: string;
  seconds: number;
}

/**
 * Fills a tenant for scale tests and benchmarks: users, their app passwords
 * and a history of sign-ins, inserted set-wise inside PostgreSQL
 * (INSERT … SELECT over generate_series), so a million rows take seconds.
 * One argon2 hash is computed and reused for every row. Seeded app passwords
 * carry random lookup tags, so no secret exists that could sign in with them.
 */
export async function seed(
  db: DataSource,
  services: { tenants: Pick<TenantService, 'create'> },
  options: SeedOptions,
  log: (line: string) => void,
): Promise<SeedResult> {
  const started = Date.now();
  const tenant = await services.tenants.create(options.tenantName, { appPasswordsEnabled: true });
  const password = randomToken(15);
  const hash = await hashSecret(password);
  const domain = `${tenant.id.slice(0, 8)}.seed.example`;

  await db.query(
    `INSERT INTO users (tenant_id, email, display_name, role, password_hash)
     SELECT $1, 'user' || lpad(n::text, 6, '0') || '@' || $2, 'Seed User ' || n, 'USER', $3
       FROM generate_series(1, $4::int) AS n`,
    [tenant.id, domain, hash, options.users],
  );
  log(`${options.users} users`);

  const [{ count: appPasswords }] = await db.query(
    `WITH inserted AS (
       INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag, created_at, last_used_at, last_used_ip)
       SELECT u.tenant_id, u.id, 'Device ' || k, $2, sha256((u.id::text || ':' || k || ':' || random())::bytea),
              now() - random() * interval '730 days',
              CASE WHEN random() < 0.25 THEN NULL ELSE now() - random() * interval '365 days' END,
              ('10.' || (k % 250) || '.' || floor(random() * 250) || '.' || floor(random() * 250))::inet
         FROM users u CROSS JOIN generate_series(1, $3::int) AS k
        WHERE u.tenant_id = $1
       RETURNING 1)
     SELECT count(*)::int AS count FROM inserted`,
    [tenant.id, hash, options.appPasswordsPerUser],
  );
  await db.query(`UPDATE app_passwords SET last_used_at = NULL WHERE tenant_id = $1 AND last_used_at < created_at`, [tenant.id]);
  log(`${appPasswords} app passwords`);

  const [{ count: signInEvents }] = await db.query(
    `WITH seeded AS (SELECT array_agg(id) AS ids, array_agg(user_id) AS users FROM app_passwords WHERE tenant_id = $1),
     inserted AS (
       INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, outcome, client_ip, user_agent)
       SELECT now() - random() * interval '30 days', $1, seeded.users[i], seeded.ids[i], 'seed', 
              CASE WHEN random() < 0.9 THEN 'SUCCESS' ELSE 'WRONG_PASSWORD' END, '10.1.2.3', 'seed'
         FROM seeded, generate_series(1, $2::int) AS n,
              LATERAL (SELECT 1 + floor(random() * cardinality(seeded.ids))::int + (n * 0) AS i) pick
       RETURNING 1)
     SELECT count(*)::int AS count FROM inserted`,
    [tenant.id, options.signInEvents],
  );
  log(`${signInEvents} sign-in events`);
  await db.query('ANALYZE users, app_passwords, sign_in_events');

  return {
    tenantId: tenant.id,
    users: options.users,
    appPasswords,
    signInEvents,
    password,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
