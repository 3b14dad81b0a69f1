import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../server/src/db/data-source.js';
import { RUNTIME_ROLE } from '../../server/src/db/migrations/1796200000000-RowLevelSecurity.js';
import { withTenant } from '../../server/src/db/tenant-scope.js';
import { adminTenant, dataOf, type AdminTenant } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  AdminUsersDocument,
  CreateApiTokenDocument,
  CreateWebhookEndpointDocument,
  RegenerateRecoveryCodesDocument,
} from '@app-passwords/schema';

/**
 * Row-level security is the second lock: the server's queries name their
 * tenant themselves, and PostgreSQL refuses to show or take another tenant's
 * rows even when a query forgets. These tests make the server's own database
 * role run queries that deliberately forget.
 */
/** Every table whose rows belong to a tenant, read by its tenant id. */
const TENANT_TABLES = [
  ['tenants', 'id'],
  ['tenant_policies', 'tenant_id'],
  ['users', 'tenant_id'],
  ['app_passwords', 'tenant_id'],
  ['sessions', 'tenant_id'],
  ['audit_events', 'tenant_id'],
  ['sign_in_events', 'tenant_id'],
  ['api_tokens', 'tenant_id'],
  ['totp_authenticators', 'tenant_id'],
  ['recovery_codes', 'tenant_id'],
  ['app_password_service_uses', 'tenant_id'],
  ['app_password_networks', 'tenant_id'],
  ['tenant_jobs', 'tenant_id'],
  ['app_password_unused_notices', 'tenant_id'],
  ['identity_providers', 'tenant_id'],
  ['webhook_endpoints', 'tenant_id'],
  ['webhook_deliveries', 'tenant_id'],
  ['mail_messages', 'tenant_id'],
] as const;

let server: TestServer;
/** The server's role, on one connection, so a tenant set in one transaction would be seen by the next if it leaked. */
let runtime: DataSource;
let a: AdminTenant;
let b: AdminTenant;
let appPasswordOfB: string;

/** A tenant with a row in every tenant-owned table, made the way users make them. */
async function populatedTenant(): Promise<AdminTenant & { appPasswordId: string }> {
  const admin = await adminTenant(server);
  // The admin has an authenticator app; recovery codes too, from here.
  dataOf(await admin.console.request(RegenerateRecoveryCodesDocument));
  // A webhook endpoint, which gets a delivery of the app password created next (to an address nothing answers at).
  const endpoint = dataOf(
    await admin.console.request(CreateWebhookEndpointDocument, {
      input: { url: 'https://hooks.invalid/rls', events: ['APP_PASSWORD_CREATED'] },
    }),
  );
  recordSecret(endpoint.createWebhookEndpoint.secret);
  const appPassword = await createAppPassword(server, admin.admin, { console: admin.console });
  // Signing an app in records the service used and the network used from.
  expect((await checkBasic(server, basic(admin.admin.email, appPassword.password), { query: 'service=imap' })).status).toBe(204);
  dataOf(await admin.console.request(CreateApiTokenDocument, { input: { name: 'Report', scopes: ['AUDIT_READ'] } }));
  // The daily clean-up remembers its run in tenant_jobs, and its notices (this one as if the app password had gone unused).
  await server.app.services.appPasswordCleanup.runDue({ tenantIds: [admin.tenant.id] });
  await server.db.query(`INSERT INTO app_password_unused_notices (tenant_id, app_password_id, noticed_at) VALUES ($1, $2, now())`, [
    admin.tenant.id,
    appPassword.id,
  ]);
  // Single sign-on (its configuration goes through the provider's discovery, tested in sso.test.ts).
  await server.db.query(
    `INSERT INTO identity_providers (tenant_id, issuer, client_id, client_secret, display_name) VALUES ($1, 'https://idp.example.test', 'console', '\\x00', 'IdP')`,
    [admin.tenant.id],
  );
  // A mail notification as a server with SMTP_URL leaves it once sent (this file's server has none, so it queues none).
  await server.db.query(
    `INSERT INTO mail_messages (tenant_id, user_id, kind, audit_event_ids, status, finished_at)
     SELECT tenant_id, target_user_id, action, ARRAY[id], 'sent', now() FROM audit_events
      WHERE tenant_id = $1 AND action = 'app_password.created'`,
    [admin.tenant.id],
  );
  return { ...admin, appPasswordId: appPassword.id };
}

beforeAll(async () => {
  server = await startTestServer();
  runtime = createDataSource(inject('databaseUrl'), 1, { runtime: true });
  await runtime.initialize();
  a = await populatedTenant();
  const populatedB = await populatedTenant();
  b = populatedB;
  appPasswordOfB = populatedB.appPasswordId;
  await server.app.services.signInLog.flush();
});
afterAll(async () => {
  await runtime?.destroy();
  await server?.close();
});

async function tenantIdsIn(db: DataSource | Parameters<Parameters<typeof withTenant>[2]>[0], table: string, column: string) {
  const rows: Array<{ id: string }> = await db.query(`SELECT DISTINCT ${column} AS id FROM ${table} WHERE ${column} IS NOT NULL`);
  return rows.map((r) => r.id);
}

describe('the database role the server answers requests as', () => {
  it('is neither a superuser nor the owner of anything, and cannot bypass row-level security', async () => {
    const [me] = await server.runtimeDb.query(
      `SELECT current_user AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ name: RUNTIME_ROLE, superuser: false, bypass: false, owns: 0 });
  });

  it('has row-level security on every table with a tenant_id column, so a new one cannot be forgotten', async () => {
    const rows: Array<{ table: string; rls: boolean; policies: number }> = await server.db.query(
      `SELECT c.relname AS table, c.relrowsecurity AS rls, (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'
          AND (c.relname = 'tenants' OR EXISTS (
                SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
        ORDER BY 1`,
    );
    expect(rows.map((r) => r.table).sort()).toEqual(TENANT_TABLES.map(([t]) => t).sort());
    for (const row of rows) expect(row, row.table).toMatchObject({ rls: true, policies: 1 });
  });
});

describe('a query that forgets its tenant', () => {
  it('sees no tenant’s rows at all outside a tenant transaction, in any table', async () => {
    for (const [table, column] of TENANT_TABLES) {
      // The owner sees both tenants' rows: there is something to hide.
      expect(await tenantIdsIn(server.db, table, column), table).toEqual(expect.arrayContaining([a.tenant.id, b.tenant.id]));
      expect(await tenantIdsIn(runtime, table, column), table).toEqual([]);
    }
  });

  it('sees only its own tenant’s rows inside one, in every table, and nothing is left behind for the next transaction', async () => {
    for (const [table, column] of TENANT_TABLES) {
      expect(await withTenant(runtime, a.tenant.id, (m) => tenantIdsIn(m, table, column)), table).toEqual([a.tenant.id]);
      // Same connection (a pool of one), next statement: the tenant ended with the transaction.
      expect(await tenantIdsIn(runtime, table, column), table).toEqual([]);
    }
  });

  it('cannot change, delete or create another tenant’s rows, and the rows stay as they were', async () => {
    await withTenant(runtime, a.tenant.id, async (m) => {
      const updated = await m.query(
        `WITH u AS (UPDATE users SET display_name = 'Taken over' WHERE tenant_id = $1 RETURNING 1) SELECT * FROM u`,
        [b.tenant.id],
      );
      expect(updated).toEqual([]);
      const deleted = await m.query('WITH d AS (DELETE FROM app_passwords WHERE id = $1 RETURNING 1) SELECT * FROM d', [appPasswordOfB]);
      expect(deleted).toEqual([]);
    });
    await expect(
      withTenant(runtime, a.tenant.id, (m) =>
        m.query(
          `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag)
           VALUES ($1, $2, 'Planted', 'x', sha256(gen_random_uuid()::text::bytea))`,
          [b.tenant.id, b.admin.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const [row] = await server.db.query('SELECT u.display_name FROM users u WHERE u.id = $1', [b.admin.id]);
    expect(row.display_name).toBe('Test User');
    expect(await server.db.query('SELECT 1 FROM app_passwords WHERE id = $1', [appPasswordOfB])).toHaveLength(1);
    expect(await server.db.query(`SELECT 1 FROM app_passwords WHERE name = 'Planted'`)).toHaveLength(0);
  });

  it('cannot rewrite or delete the audit log, even claiming to be the retention job', async () => {
    await expect(
      withTenant(runtime, a.tenant.id, async (m) => {
        await m.query(`SELECT set_config('app_passwords.audit_retention', 'on', true)`);
        await m.query('DELETE FROM audit_events WHERE tenant_id = $1', [a.tenant.id]);
      }),
    ).rejects.toThrow(/permission denied/);
    await expect(withTenant(runtime, a.tenant.id, (m) => m.query(`UPDATE audit_events SET action = 'X'`))).rejects.toThrow(
      /permission denied/,
    );
    expect((await tenantIdsIn(server.db, 'audit_events', 'tenant_id')).includes(a.tenant.id)).toBe(true);
  });
});

describe('the server under row-level security', () => {
  it('still finds who signs in across tenants, and answers each admin with their own tenant only', async () => {
    const ids = dataOf(await a.console.request(AdminUsersDocument, { first: 100 })).users.edges.map((e) => e.node.id);
    expect(ids).toEqual([a.admin.id]);
    expect(ids).not.toContain(b.admin.id);
  });
});

describe('DATABASE_RUNTIME_URL', () => {
  const LOGIN_ROLE = 'app_passwords_test_server';

  it('with a login role of its own, even SET ROLE NONE leaves the server under row-level security', async () => {
    // Roles belong to the cluster: made once, kept, like an operator's.
    await server.db.query(`
      DO $$ BEGIN
        CREATE ROLE ${LOGIN_ROLE} LOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // A password, for servers that ask for one (the embedded PostgreSQL does).
    const password = randomBytes(16).toString('hex');
    recordSecret(password);
    await server.db.query(`ALTER ROLE ${LOGIN_ROLE} PASSWORD '${password}'`);
    await server.db.query(`GRANT ${RUNTIME_ROLE} TO ${LOGIN_ROLE}`);
    const url = new URL(inject('databaseUrl'));
    url.username = LOGIN_ROLE;
    url.password = password;
    const own = createDataSource(url.toString(), 1, { runtime: true });
    await own.initialize();
    try {
      await own.query('SET ROLE NONE'); // a pool of one: the next query runs on this connection
      const [{ count }] = await own.query('SELECT count(*)::int AS count FROM app_passwords');
      expect(count).toBe(0);
      const [{ name }] = await own.query('SELECT current_user AS name');
      expect(name).toBe(LOGIN_ROLE);
    } finally {
      await own.destroy();
    }
    // Without it, the owner's connection is only switched to the runtime role: SET ROLE NONE undoes that (see README).
    await runtime.query('SET ROLE NONE');
    const [{ count }] = await runtime.query('SELECT count(*)::int AS count FROM app_passwords');
    expect(count).toBeGreaterThan(0);
    await runtime.query(`SET ROLE ${RUNTIME_ROLE}`);
  });
});
