import { randomBytes, randomUUID } from 'node:crypto';
import { CompleteSignInDocument, SignInDocument } from '@app-passwords/schema';
import type { DataSource } from 'typeorm';
import { hashSecret } from '../../server/src/common/argon2.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { GraphQLClient } from './graphql-client.js';
import { recordSecret } from './secrets.js';
import type { TestServer } from './test-server.js';
import { forgetLastCode, giveTwoStep, totpCode, type TwoStep } from './two-step.js';

export interface TestTenant {
  id: string;
  name: string;
}

export interface TestUser {
  id: string;
  tenantId: string;
  email: string;
  password: string;
  role: Role;
  /** Their authenticator app, when they have one: `signedInClient` signs in with two steps. */
  twoStep?: TwoStep;
}

let passwordHash: Promise<{ password: string; hash: string }> | undefined;

/** One real argon2 hash, reused: every factory user has the same strong password. */
function sharedPassword() {
  passwordHash ??= (async () => {
    const password = `test-password-${randomBytes(8).toString('hex')}`;
    recordSecret(password);
    return { password, hash: await hashSecret(password) };
  })();
  return passwordHash;
}

/**
 * A tenant with app passwords on and, unless a test asks for it, without the
 * two-step rule for app passwords: most tests are about something else, and
 * the two-step tests switch it on themselves. Admins need two-step
 * verification, as in every new tenant (`createAdmin` gives them that).
 */
export async function createTenant(
  db: DataSource,
  policy: {
    appPasswordsEnabled?: boolean;
    maxAppPasswordsPerUser?: number;
    requireTwoStepForAppPasswords?: boolean;
    requireTwoStepForAdmins?: boolean;
  } = {},
): Promise<TestTenant> {
  const name = `Tenant ${randomUUID()}`;
  const [{ id }] = await db.query('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [name]);
  await db.query(
    `INSERT INTO tenant_policies (tenant_id, app_passwords_enabled, max_app_passwords_per_user, require_two_step_for_app_passwords,
                                  require_two_step_for_admins)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      id,
      policy.appPasswordsEnabled ?? true,
      policy.maxAppPasswordsPerUser ?? 40,
      policy.requireTwoStepForAppPasswords ?? false,
      policy.requireTwoStepForAdmins ?? true,
    ],
  );
  return { id, name };
}

export async function createUser(db: DataSource, tenant: TestTenant, options: { role?: Role; disabled?: boolean } = {}): Promise<TestUser> {
  const { password, hash } = await sharedPassword();
  const email = `user-${randomUUID()}@example.test`;
  const role = options.role ?? Role.USER;
  const [{ id }] = await db.query(
    `INSERT INTO users (tenant_id, email, display_name, role, status, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [tenant.id, email, 'Test User', role, options.disabled ? 'DISABLED' : 'ACTIVE', hash],
  );
  return { id, tenantId: tenant.id, email, password, role };
}

/**
 * Inserts app passwords straight into the table (no argon2 per row), for
 * tests that need a user near the limit. Their secrets are unknown.
 */
export async function insertAppPasswords(db: DataSource, user: TestUser, count: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query(
    `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag)
     SELECT $1, $2, 'Device ' || n, 'not-a-hash', sha256(gen_random_uuid()::text::bytea)
       FROM generate_series(1, $3) AS n RETURNING id`,
    [user.tenantId, user.id, count],
  );
  return rows.map((r) => r.id);
}

/**
 * An admin with two-step verification (given straight in the table), as every
 * tenant requires of its admins unless its policy says otherwise.
 */
export async function createAdmin(server: Pick<TestServer, 'db' | 'lookupKey'>, tenant: TestTenant): Promise<TestUser> {
  return giveTwoStep(server, await createUser(server.db, tenant, { role: Role.TENANT_ADMIN }));
}

/**
 * A client signed in as `user` through the real signIn mutation, and with the
 * code of their authenticator app when they have one (`db` forgets the last
 * code used, so a test may sign in more than once in 30 seconds).
 */
export async function signedInClient(
  server: Pick<TestServer, 'url'> & { db?: DataSource },
  user: TestUser,
  options: { ip?: string } = {},
): Promise<GraphQLClient> {
  const client = new GraphQLClient(server.url);
  // From `ip`, on a server that trusts 127.0.0.1 as a proxy.
  if (options.ip) client.headers['x-forwarded-for'] = options.ip;
  const result = await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
  if (result.errors) throw new Error(`sign-in failed: ${JSON.stringify(result.errors)}`);
  if (!result.data!.signIn.twoStepRequired) return client;
  if (!user.twoStep || !server.db) throw new Error(`${user.email} has two-step verification: pass the user with it, and the database`);
  await forgetLastCode(server.db, user.id);
  const second = await client.request(CompleteSignInDocument, { input: { code: totpCode(user.twoStep.secret) } });
  if (second.errors) throw new Error(`completeSignIn failed: ${JSON.stringify(second.errors)}`);
  return client;
}

/** A tenant with an admin (with two-step verification) and a user: what most admin-console tests start from. */
export async function tenantWithAdminAndUser(server: Pick<TestServer, 'db' | 'lookupKey'>) {
  const tenant = await createTenant(server.db);
  return { tenant, admin: await createAdmin(server, tenant), user: await createUser(server.db, tenant) };
}
