import { TenantService } from '../../server/src/modules/tenants/tenant.service.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminTenant, auditRows, dataOf, documentationIp, insertAppPassword } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { CreateAppPasswordDocument, TenantPolicyDocument, UpdateTenantPolicyDocument } from '@app-passwords/schema';

// Inline: the preview alone, which the console never asks; in TenantPolicy the refusal of tenantPolicy hides its own.
const PREVIEW_ALONE = /* GraphQL */ `
  query {
    previewTenantPolicyChange {
      block {
        users
      }
    }
  }
`;
/** Trusts 127.0.0.1 as a proxy: each test's refused checks count against its own X-Forwarded-For address. */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

/** The stored policy row, as the server would read it. */
async function storedPolicy(tenant: TestTenant) {
  const [row] = await server.db.query(
    `SELECT app_passwords_enabled, existing_when_disabled, max_app_passwords_per_user, max_lifetime_days,
            revoke_when_primary_password_changes, audit_retention_days, updated_at
       FROM tenant_policies WHERE tenant_id = $1`,
    [tenant.id],
  );
  return row;
}

/** A user with one real app password and a check of it at /auth/basic from this test's own address. */
async function userWithAppPassword(tenant: TestTenant) {
  const user = await createUser(server.db, tenant);
  const appPassword = await createAppPassword(server, user);
  const ip = documentationIp();
  const authorization = basic(user.email, appPassword.password);
  const check = async () => (await checkBasic(server, authorization, { ip })).status;
  return { user, appPassword, check };
}

describe('reading the policy', () => {
  it('gives a new tenant the defaults: off, BLOCK, 40, no lifetime, no revoke on password change, two-step required, 90 days of audit', async () => {
    // A tenant as operators create it (the CLI's path), not the test factory's.
    const created = await new TenantService(server.db).create(`Tenant ${randomUUID()}`);
    const admin = await createAdmin(server, { id: created.id, name: created.name });
    const console = await signedInClient(server, admin);

    expect(dataOf(await console.request(TenantPolicyDocument)).tenantPolicy).toEqual({
      appPasswordsEnabled: false,
      existingWhenDisabled: 'BLOCK',
      maxAppPasswordsPerUser: 40,
      maxLifetimeDays: null,
      revokeWhenPrimaryPasswordChanges: false,
      requireTwoStepForAppPasswords: true,
      requireTwoStepForAdmins: true,
      auditRetentionDays: 90,
      allowedServices: ['imap', 'smtp', 'pop3', 'caldav', 'carddav', 'webdav', 'graphql'],
      requireNetworks: false,
      revokeUnusedAfterDays: null,
      expiryReminders: true,
      passwordSignIn: true,
      updatedAt: expect.any(String),
    });
  });

  it('is for admins only: a plain user gets FORBIDDEN, an anonymous caller UNAUTHENTICATED', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    expect(GraphQLClient.code(await console.request(TenantPolicyDocument))).toBe('FORBIDDEN');
    expect(GraphQLClient.code(await console.request(PREVIEW_ALONE))).toBe('FORBIDDEN');
    expect(GraphQLClient.code(await console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 5 } }))).toBe(
      'FORBIDDEN',
    );
    expect((await storedPolicy(tenant)).max_app_passwords_per_user).toBe(40);

    const anonymous = new GraphQLClient(server.url);
    expect(GraphQLClient.code(await anonymous.request(TenantPolicyDocument))).toBe('UNAUTHENTICATED');
  });

  it("shows an admin only their own tenant's policy, and never changes another tenant's", async () => {
    const a = await adminTenant(server);
    const b = await adminTenant(server, { maxAppPasswordsPerUser: 7 });
    const userOfB = await createUser(server.db, b.tenant);
    await insertAppPasswords(server.db, userOfB, 4);

    dataOf(await a.console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 3, auditRetentionDays: 30 } }));

    expect(dataOf(await a.console.request(TenantPolicyDocument)).tenantPolicy).toMatchObject({
      maxAppPasswordsPerUser: 3,
      auditRetentionDays: 30,
    });
    expect(dataOf(await b.console.request(TenantPolicyDocument)).tenantPolicy).toMatchObject({
      maxAppPasswordsPerUser: 7,
      auditRetentionDays: 90,
    });
    expect(await storedPolicy(b.tenant)).toMatchObject({ max_app_passwords_per_user: 7, audit_retention_days: 90 });
    // A's preview counts none of B's app passwords; B's audit trail has nothing of A's change.
    expect(dataOf(await a.console.request(TenantPolicyDocument)).previewTenantPolicyChange.block).toEqual({ users: 0, appPasswords: 0 });
    expect(await auditRows(server.db, b.tenant.id, 'tenant_policy.updated')).toEqual([]);
  });
});

describe('previewing a switch-off', () => {
  it('counts the users with app passwords and their app passwords for block and revoke, and nothing for keep-working', async () => {
    const { tenant, console } = await adminTenant(server);
    const first = await createUser(server.db, tenant);
    const second = await createUser(server.db, tenant);
    await createUser(server.db, tenant); // no app passwords: not affected
    await insertAppPasswords(server.db, first, 3);
    await insertAppPasswords(server.db, second, 2);
    const other = await createTenant(server.db);
    await insertAppPasswords(server.db, await createUser(server.db, other), 6);

    expect(dataOf(await console.request(TenantPolicyDocument)).previewTenantPolicyChange).toEqual({
      keepWorking: { users: 0, appPasswords: 0 },
      block: { users: 2, appPasswords: 5 },
      revoke: { users: 2, appPasswords: 5 },
    });
    // A preview changes nothing.
    expect(await auditRows(server.db, tenant.id, 'tenant_policy.updated')).toEqual([]);
    expect((await storedPolicy(tenant)).app_passwords_enabled).toBe(true);
  });
});

describe('switching app passwords off', () => {
  it('needs existingAppPasswords: without it, BAD_USER_INPUT and nothing changes', async () => {
    const { tenant, console } = await adminTenant(server);
    const before = await storedPolicy(tenant);

    const result = await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: false } });

    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await storedPolicy(tenant)).toEqual(before);
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });

  it('KEEP_WORKING: existing app passwords still sign in, new ones are refused with APP_PASSWORDS_DISABLED', async () => {
    const { tenant, console } = await adminTenant(server);
    const { user, check } = await userWithAppPassword(tenant);
    expect(await check()).toBe(204);

    const result = dataOf(
      await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: false, existingAppPasswords: 'KEEP_WORKING' } }),
    );

    expect(result.updateTenantPolicy).toMatchObject({
      policy: { appPasswordsEnabled: false, existingWhenDisabled: 'KEEP_WORKING' },
      revokedAppPasswords: 0,
    });
    expect(await check()).toBe(204);
    const userConsole = await signedInClient(server, user);
    expect(GraphQLClient.code(await userConsole.request(CreateAppPasswordDocument, { input: { name: 'New phone' } }))).toBe(
      'APP_PASSWORDS_DISABLED',
    );
  });

  it('BLOCK: existing app passwords are refused at once, and work again when switched back on', async () => {
    const { tenant, console } = await adminTenant(server);
    const { check } = await userWithAppPassword(tenant);
    expect(await check()).toBe(204);
    expect(await check()).toBe(204); // remembered: the refusal must not depend on a cold check

    const off = dataOf(
      await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: false, existingAppPasswords: 'BLOCK' } }),
    );
    expect(off.updateTenantPolicy).toMatchObject({
      policy: { appPasswordsEnabled: false, existingWhenDisabled: 'BLOCK' },
      revokedAppPasswords: 0,
    });
    expect(await check()).toBe(401);
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE tenant_id = $1', [tenant.id]);
    expect(count).toBe(1); // kept, only refused

    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: true } }));
    expect(await check()).toBe(204);
  });

  it('REVOKE: deletes every app password of the tenant, one audit event each with the reason, and they stay gone', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const first = await userWithAppPassword(tenant);
    const second = await createAppPassword(server, first.user, { console: first.appPassword.console, name: 'Second' });
    const other = await userWithAppPassword(tenant);
    expect(await first.check()).toBe(204);
    expect(await other.check()).toBe(204);
    const untouched = await createTenant(server.db);
    const untouchedIds = await insertAppPasswords(server.db, await createUser(server.db, untouched), 2);

    const result = dataOf(
      await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: false, existingAppPasswords: 'REVOKE' } }),
    );

    expect(result.updateTenantPolicy.revokedAppPasswords).toBe(3);
    expect(result.updateTenantPolicy.policy.appPasswordsEnabled).toBe(false);
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE tenant_id = $1', [tenant.id]);
    expect(count).toBe(0);
    const revoked = await auditRows(server.db, tenant.id, 'app_password.revoked');
    expect(revoked.map((e) => e.app_password_id).sort()).toEqual([first.appPassword.id, second.id, other.appPassword.id].sort());
    for (const event of revoked) {
      expect(event).toMatchObject({ actor_type: 'user', actor_user_id: admin.id });
      expect(event.details.reason).toEqual(expect.any(String));
      expect(event.details.reason.length).toBeGreaterThan(0);
    }
    expect(revoked.find((e) => e.app_password_id === second.id)?.target_user_id).toBe(first.user.id);
    expect(await first.check()).toBe(401);

    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: true } }));
    expect(await first.check()).toBe(401);
    expect(await other.check()).toBe(401);
    // Another tenant's app passwords are not touched.
    const [{ left }] = await server.db.query('SELECT count(*)::int AS left FROM app_passwords WHERE id = ANY($1::uuid[])', [untouchedIds]);
    expect(left).toBe(2);
  });

  it('refuses existingAppPasswords while switching on (BAD_USER_INPUT, nothing changes)', async () => {
    const { tenant, console } = await adminTenant(server, { appPasswordsEnabled: false });
    const before = await storedPolicy(tenant);

    const result = await console.request(UpdateTenantPolicyDocument, {
      input: { appPasswordsEnabled: true, existingAppPasswords: 'KEEP_WORKING' },
    });

    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await storedPolicy(tenant)).toEqual(before);
  });
});

describe('the other rules', () => {
  it('lowering the limit never deletes app passwords; it only stops new ones', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 5);

    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 2 } }));

    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [user.id]);
    expect(count).toBe(5);
    const userConsole = await signedInClient(server, user);
    expect(GraphQLClient.code(await userConsole.request(CreateAppPasswordDocument, { input: { name: 'Sixth' } }))).toBe(
      'APP_PASSWORD_LIMIT_REACHED',
    );
  });

  it('maxLifetimeDays gives new app passwords an expiry that many days ahead; existing ones keep none', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const userConsole = await signedInClient(server, user);
    const existing = dataOf(await userConsole.request(CreateAppPasswordDocument, { input: { name: 'Before' } })).createAppPassword
      .appPassword;
    expect(existing.expiresAt).toBeNull();

    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { maxLifetimeDays: 30 } }));
    const earliest = Date.now();
    const created = dataOf(await userConsole.request(CreateAppPasswordDocument, { input: { name: 'After' } })).createAppPassword
      .appPassword;
    const latest = Date.now();

    const day = (ms: number) => new Date(ms + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect([day(earliest), day(latest)]).toContain(created.expiresAt!.slice(0, 10));
    const rows: Array<{ id: string; expires_at: Date | null }> = await server.db.query(
      'SELECT id, expires_at FROM app_passwords WHERE user_id = $1',
      [user.id],
    );
    expect(rows.find((r) => r.id === existing.id)?.expires_at).toBeNull();

    // Back to "never": new ones get no expiry again.
    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { maxLifetimeDays: null } }));
    const unlimited = dataOf(await userConsole.request(CreateAppPasswordDocument, { input: { name: 'Later' } })).createAppPassword
      .appPassword;
    expect(unlimited.expiresAt).toBeNull();
  });

  it('each update writes exactly one tenant_policy.updated event with before and after', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    await insertAppPassword(server.db, await createUser(server.db, tenant));

    const result = dataOf(
      await console.request(UpdateTenantPolicyDocument, {
        input: {
          maxAppPasswordsPerUser: 10,
          maxLifetimeDays: 365,
          revokeWhenPrimaryPasswordChanges: true,
          requireTwoStepForAppPasswords: true,
          auditRetentionDays: 30,
        },
      }),
    );
    expect(result.updateTenantPolicy.policy).toEqual({
      appPasswordsEnabled: true,
      existingWhenDisabled: 'BLOCK',
      maxAppPasswordsPerUser: 10,
      maxLifetimeDays: 365,
      revokeWhenPrimaryPasswordChanges: true,
      requireTwoStepForAppPasswords: true,
      requireTwoStepForAdmins: true,
      auditRetentionDays: 30,
      allowedServices: ['imap', 'smtp', 'pop3', 'caldav', 'carddav', 'webdav', 'graphql'],
      requireNetworks: false,
      revokeUnusedAfterDays: null,
      expiryReminders: true,
      passwordSignIn: true,
      updatedAt: expect.any(String),
    });

    const events = await auditRows(server.db, tenant.id, 'tenant_policy.updated');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: 'user', actor_user_id: admin.id });
    expect(events[0]!.details.before).toEqual({
      appPasswordsEnabled: true,
      existingWhenDisabled: 'BLOCK',
      maxAppPasswordsPerUser: 40,
      maxLifetimeDays: null,
      revokeWhenPrimaryPasswordChanges: false,
      requireTwoStepForAppPasswords: false,
      requireTwoStepForAdmins: true,
      auditRetentionDays: 90,
      allowedServices: ['imap', 'smtp', 'pop3', 'caldav', 'carddav', 'webdav', 'graphql'],
      requireNetworks: false,
      revokeUnusedAfterDays: null,
      expiryReminders: true,
      passwordSignIn: true,
    });
    // The audit event records every policy field, but not when it was updated.
    const { updatedAt, ...policy } = result.updateTenantPolicy.policy;
    expect(updatedAt).toEqual(expect.any(String));
    expect(events[0]!.details.after).toEqual(policy);

    dataOf(await console.request(UpdateTenantPolicyDocument, { input: { appPasswordsEnabled: false, existingAppPasswords: 'REVOKE' } }));
    const after = await auditRows(server.db, tenant.id, 'tenant_policy.updated');
    expect(after).toHaveLength(2);
    expect(after[1]!.details.before.appPasswordsEnabled).toBe(true);
    expect(after[1]!.details.after.appPasswordsEnabled).toBe(false);
  });

  it.each([
    ['maxAppPasswordsPerUser', 0],
    ['maxAppPasswordsPerUser', 41],
    ['maxLifetimeDays', 0],
    ['maxLifetimeDays', 3651],
    ['auditRetentionDays', 0],
    ['auditRetentionDays', 3651],
  ])('refuses %s = %i with BAD_USER_INPUT and changes nothing', async (field, value) => {
    const { tenant, console } = await adminTenant(server);
    const before = await storedPolicy(tenant);

    // With another valid change in the same input: all or nothing.
    const result = await console.request(UpdateTenantPolicyDocument, { input: { [field]: value, revokeWhenPrimaryPasswordChanges: true } });

    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await storedPolicy(tenant)).toEqual(before);
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });
});
