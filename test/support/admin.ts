import { randomBytes, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { createAdmin, createTenant, createUser, signedInClient, type TestTenant, type TestUser } from './factories.js';
import { GraphQLClient, type GraphQLResult } from './graphql-client.js';
import { recordAuthorization, recordCookies } from './secrets.js';
import type { TestServer } from './test-server.js';

/** A tenant with a signed-in admin: what every admin-API test starts from. */
export interface AdminTenant {
  tenant: TestTenant;
  /** With two-step verification, which admin work needs. */
  admin: TestUser;
  /** The admin's console session, signed in with password and code. */
  console: GraphQLClient;
}

export async function adminTenant(server: TestServer, policy: Parameters<typeof createTenant>[1] = {}): Promise<AdminTenant> {
  const tenant = await createTenant(server.db, policy);
  const admin = await createAdmin(server, tenant);
  return { tenant, admin, console: await signedInClient(server, admin) };
}

/** A user with a console session of their own, in a tenant whose admin is signed in too: whose app passwords an admin manages. */
export interface UserWithAdmin {
  org: AdminTenant;
  user: TestUser;
  console: GraphQLClient;
}

export async function userWithAdmin(server: TestServer): Promise<UserWithAdmin> {
  const org = await adminTenant(server);
  const user = await createUser(server.db, org.tenant);
  return { org, user, console: await signedInClient(server, user) };
}

/** `data` of a call that must succeed; throws with the errors otherwise. */
export function dataOf<T = Record<string, any>>(result: GraphQLResult<T>): T {
  if (result.errors) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data!;
}

/** A client IP from the documentation ranges (RFC 5737), different per call: only ever a header value. */
export function documentationIp(): string {
  const ranges = ['192.0.2', '198.51.100', '203.0.113'];
  return `${ranges[randomInt(ranges.length)]}.${randomInt(1, 255)}`;
}

/** A fragment unique to one test, for e-mail addresses and names. */
export function uniqueTag(): string {
  return randomBytes(5).toString('hex');
}

/** A factory user whose sign-in name and display name the test chooses (the name must be unique in the installation). */
export async function createNamedUser(
  db: DataSource,
  tenant: TestTenant,
  names: { email: string; displayName: string },
  options: { role?: Role } = {},
): Promise<TestUser> {
  const user = await createUser(db, tenant, options);
  await db.query('UPDATE users SET email = $2, display_name = $3 WHERE id = $1', [user.id, names.email, names.displayName]);
  return { ...user, email: names.email };
}

export interface AppPasswordRow {
  name?: string;
  createdAt?: Date;
  lastUsedAt?: Date | null;
  expiresAt?: Date | null;
}

/** One app password straight into the table, with the times the test needs (its secret is unknown). */
export async function insertAppPassword(db: DataSource, user: TestUser, row: AppPasswordRow = {}): Promise<string> {
  const [{ id }] = await db.query(
    `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag, created_at, last_used_at, expires_at)
     VALUES ($1, $2, $3, 'not-a-hash', sha256(gen_random_uuid()::text::bytea), coalesce($4, now()), $5, $6) RETURNING id`,
    [user.tenantId, user.id, row.name ?? 'Device', row.createdAt ?? null, row.lastUsedAt ?? null, row.expiresAt ?? null],
  );
  return id;
}

export interface AuditRow {
  id: string;
  action: string;
  actor_type: string;
  actor_user_id: string | null;
  actor_api_token_id: string | null;
  target_user_id: string | null;
  app_password_id: string | null;
  app_password_name: string | null;
  details: Record<string, any>;
}

/** The tenant's audit events, oldest first, optionally of one action. */
export function auditRows(db: DataSource, tenantId: string, action?: string): Promise<AuditRow[]> {
  return db.query(
    `SELECT id::text, action, actor_type, actor_user_id, actor_api_token_id, target_user_id, app_password_id, app_password_name, details
       FROM audit_events WHERE tenant_id = $1 AND ($2::text IS NULL OR action = $2) ORDER BY occurred_at, id`,
    [tenantId, action ?? null],
  );
}

/** Ids of the tenant's app passwords, sorted. */
export async function appPasswordIds(db: DataSource, tenantId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query('SELECT id FROM app_passwords WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  return rows.map((r) => r.id);
}

/** `GET path` with a session cookie or an Authorization header. */
export function getWith(server: TestServer, path: string, auth: { cookie?: string; authorization?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.authorization) headers.authorization = auth.authorization;
  recordCookies(auth.cookie);
  recordAuthorization(auth.authorization);
  return fetch(`${server.url}${path}`, { headers });
}
