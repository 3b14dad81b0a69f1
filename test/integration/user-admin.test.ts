import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdminUsersDocument,
  ChangePasswordDocument,
  ChangeUserRoleDocument,
  CreateAppPasswordDocument,
  CreateUserDocument,
  DeleteUserDocument,
  SignInDocument,
  UpdateUserDocument,
  ViewerDocument,
} from '@app-passwords/schema';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { adminTenant, auditRows, dataOf, documentationIp, uniqueTag } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { testServerForFile } from '../support/test-server.js';

const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

const lifecycle = () => server.app.services.userLifecycle;
const code = GraphQLClient.code;
const fieldOf = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => result.errors?.[0]?.extensions?.field;

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await server.db.query(`SELECT count(*)::int AS count FROM ${sql}`, params);
  return row.count;
}

/** Signs in with a password through the real mutation; the client keeps the cookie. */
async function signIn(email: string, password: string) {
  const client = new GraphQLClient(server.url);
  const result = await client.request(SignInDocument, { input: { email, password } });
  return { client, result };
}

/** An API token's actor, as SCIM will use it. */
const tokenActor = () => ({ type: 'api_token' as const, apiTokenId: randomUUID() });

describe('creating a user', () => {
  it('hands out a one-time password once; the new user must choose their own before anything else', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const email = `new.${uniqueTag()}@example.test`;

    const created = dataOf(await console.request(CreateUserDocument, { input: { email, displayName: ' New  Person ', role: Role.USER } }));

    const { user, initialPassword } = created.createUser;
    recordSecret(initialPassword!);
    expect(initialPassword).toMatch(/^[a-zA-Z2-9]{20}$/);
    expect(user).toMatchObject({ email, displayName: 'New  Person', role: 'USER', status: 'ACTIVE', origin: 'LOCAL' });
    expect(user).toMatchObject({ hasPassword: true, mustChangePassword: true, lastSignInAt: null, appPasswordCount: 0 });
    const [created_] = await auditRows(server.db, tenant.id, 'user.created');
    expect(created_).toMatchObject({ actor_user_id: admin.id, target_user_id: user.id, details: { email, password: 'generated' } });
    expect(JSON.stringify(await auditRows(server.db, tenant.id))).not.toContain(initialPassword);

    const first = await signIn(email.toUpperCase(), initialPassword!);
    expect(dataOf(first.result).signIn.viewer).toMatchObject({ id: user.id, mustChangePassword: true });
    // Only the password change is open: the server refuses the rest, whatever the console shows.
    expect(code(await first.client.request(CreateAppPasswordDocument, { input: { name: 'Too early' } }))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(await count('app_passwords WHERE user_id = $1', [user.id])).toBe(0);
    const newPassword = `my own password ${uniqueTag()}`;
    recordSecret(newPassword);
    dataOf(await first.client.request(ChangePasswordDocument, { input: { currentPassword: initialPassword!, newPassword } }));
    expect(dataOf(await first.client.request(ViewerDocument)).viewer).toMatchObject({ mustChangePassword: false });
    dataOf(await first.client.request(CreateAppPasswordDocument, { input: { name: 'Now' } }));

    // The one-time password is gone, the new one signs in; the admin sees the last sign-in.
    expect(code((await signIn(email, initialPassword!)).result)).toBe('UNAUTHENTICATED');
    dataOf((await signIn(email, newPassword)).result);
    const listed = dataOf(await console.request(AdminUsersDocument, { filter: { startsWith: email } })).users.edges[0]!.node;
    expect(listed).toMatchObject({ id: user.id, mustChangePassword: false, appPasswordCount: 1 });
    expect(Date.parse(listed.lastSignInAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps an admin with a one-time password out of admin work until they change it', async () => {
    const { console } = await adminTenant(server, { requireTwoStepForAdmins: false });
    const email = `new-admin.${uniqueTag()}@example.test`;
    const { initialPassword } = dataOf(await console.request(CreateUserDocument, { input: { email, role: Role.TENANT_ADMIN } })).createUser;
    recordSecret(initialPassword!);
    const { client } = await signIn(email, initialPassword!);
    expect(code(await client.request(AdminUsersDocument, {}))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await fetch(`${server.url}/export/audit.csv`, { headers: { cookie: client.cookie! } })).status).not.toBe(200);
  });

  it('creates a user without a password (single sign-on only): a password sign-in fails like a wrong one', async () => {
    const { tenant, console } = await adminTenant(server);
    const email = `sso.${uniqueTag()}@example.test`;
    const created = dataOf(await console.request(CreateUserDocument, { input: { email, role: Role.USER, password: 'NONE' } })).createUser;

    expect(created.initialPassword).toBeNull();
    expect(created.user).toMatchObject({ hasPassword: false, mustChangePassword: false, displayName: email.split('@')[0] });
    expect(await count('users WHERE id = $1 AND password_hash IS NULL', [created.user.id])).toBe(1);
    const noPassword = (await signIn(email, 'any password at all')).result;
    const unknown = (await signIn(`nobody.${uniqueTag()}@example.test`, 'any password at all')).result;
    expect(code(noPassword)).toBe('UNAUTHENTICATED');
    expect(noPassword.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect(await count(`audit_events WHERE tenant_id = $1 AND action = 'user.created'`, [tenant.id])).toBe(1);
  });

  it('refuses a sign-in name in use, in any case and in any tenant, with ALREADY_EXISTS naming the field', async () => {
    const { tenant, console } = await adminTenant(server);
    const email = `taken.${uniqueTag()}@example.test`;
    dataOf(await console.request(CreateUserDocument, { input: { email, role: Role.USER } }));
    const other = await adminTenant(server);

    for (const [client, name] of [
      [console, email.toUpperCase()],
      [other.console, ` ${email}`],
    ] as const) {
      const again = await client.request(CreateUserDocument, { input: { email: name, role: Role.USER } });
      expect([code(again), fieldOf(again)]).toEqual(['ALREADY_EXISTS', 'email']);
    }
    expect(await count('users WHERE lower(email) = lower($1)', [email])).toBe(1);
    expect(await count('audit_events WHERE tenant_id = $1', [other.tenant.id])).toBe(0);
    expect(await count(`audit_events WHERE tenant_id = $1 AND action = 'user.created'`, [tenant.id])).toBe(1);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, creating nobody', async () => {
    const { tenant, console } = await adminTenant(server);
    const tag = uniqueTag();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: '' }, 'email'],
      [{ email: 'not-an-address' }, 'email'],
      [{ email: `${'x'.repeat(250)}.${tag}@example.test` }, 'email'],
      [{ email: `a.${tag}@example.test`, displayName: 'x'.repeat(101) }, 'displayName'],
      [{ email: `b.${tag}@example.test`, displayName: 'line\nbreak' }, 'input.displayName'],
    ];
    for (const [input, field] of cases) {
      const result = await console.request(CreateUserDocument, { input: { role: Role.USER, ...input } as never });
      expect([code(result), fieldOf(result)], JSON.stringify(input)).toEqual(['BAD_USER_INPUT', field]);
    }
    const badRole = await console.request(CreateUserDocument, { input: { email: `c.${tag}@example.test`, role: 'ROOT' as never } });
    expect(code(badRole)).toBe('BAD_USER_INPUT');
    expect(await count('users WHERE tenant_id = $1', [tenant.id])).toBe(1);
    expect(await count('audit_events WHERE tenant_id = $1', [tenant.id])).toBe(0);
  });
});

describe('roles', () => {
  it('promotes and demotes, audited with from and to', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);

    expect(
      dataOf(await console.request(ChangeUserRoleDocument, { input: { userId: user.id, role: Role.TENANT_ADMIN } })).changeUserRole,
    ).toMatchObject({
      id: user.id,
      role: 'TENANT_ADMIN',
    });
    dataOf(await console.request(ChangeUserRoleDocument, { input: { userId: user.id, role: Role.USER } }));
    // The same role again changes nothing and records nothing.
    dataOf(await console.request(ChangeUserRoleDocument, { input: { userId: user.id, role: Role.USER } }));

    const events = await auditRows(server.db, tenant.id, 'user.role_changed');
    expect(events.map((e) => [e.actor_user_id, e.target_user_id, e.details])).toEqual([
      [admin.id, user.id, { from: 'USER', to: 'TENANT_ADMIN' }],
      [admin.id, user.id, { from: 'TENANT_ADMIN', to: 'USER' }],
    ]);
  });

  it('never demotes, disables or deletes the last active admin (a disabled admin does not count)', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    await createUser(server.db, tenant, { role: Role.TENANT_ADMIN, disabled: true });

    const demote = await console.request(ChangeUserRoleDocument, { input: { userId: admin.id, role: Role.USER } });
    expect(code(demote)).toBe('LAST_ADMIN');
    const actor = tokenActor();
    await expect(lifecycle().updateUser(tenant.id, actor, admin.id, { active: false })).rejects.toMatchObject({
      extensions: { code: 'LAST_ADMIN' },
    });
    await expect(lifecycle().deleteUser(tenant.id, actor, admin.id)).rejects.toMatchObject({ extensions: { code: 'LAST_ADMIN' } });
    expect(await count(`users WHERE id = $1 AND role = 'TENANT_ADMIN' AND status = 'ACTIVE'`, [admin.id])).toBe(1);
    expect(await count('audit_events WHERE tenant_id = $1', [tenant.id])).toBe(0);

    // With a second active admin, the first may step down.
    const second = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    dataOf(await console.request(ChangeUserRoleDocument, { input: { userId: admin.id, role: Role.USER } }));
    await expect(lifecycle().changeUserRole(tenant.id, actor, second.id, Role.USER)).rejects.toMatchObject({
      extensions: { code: 'LAST_ADMIN' },
    });
  });

  it('two admins demoting each other at the same moment: one wins, the tenant keeps an admin', async () => {
    const tenant = await createTenant(server.db);
    const a = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    const b = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    const results = await Promise.allSettled([
      lifecycle().changeUserRole(tenant.id, { type: 'user', userId: a.id }, b.id, Role.USER),
      lifecycle().changeUserRole(tenant.id, { type: 'user', userId: b.id }, a.id, Role.USER),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      extensions: { code: 'LAST_ADMIN' },
    });
    expect(await count(`users WHERE tenant_id = $1 AND role = 'TENANT_ADMIN'`, [tenant.id])).toBe(1);
  });
});

describe('deleting a user', () => {
  it('revokes their app passwords, ends their sessions, and the audit trail keeps their name', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const email = `leaver.${uniqueTag()}@example.test`;
    const { user, initialPassword } = dataOf(
      await console.request(CreateUserDocument, { input: { email, displayName: 'Lee Leaver', role: Role.USER } }),
    ).createUser;
    recordSecret(initialPassword!);
    const leaver: TestUser = { id: user.id, tenantId: tenant.id, email, password: `leaver password ${uniqueTag()}`, role: Role.USER };
    recordSecret(leaver.password);
    const first = await signIn(email, initialPassword!);
    dataOf(
      await first.client.request(ChangePasswordDocument, { input: { currentPassword: initialPassword!, newPassword: leaver.password } }),
    );
    const one = await createAppPassword(server, leaver, { console: first.client, name: 'Phone' });
    await createAppPassword(server, leaver, { console: first.client, name: 'Laptop' });
    const ip = documentationIp();
    const check = async () => (await checkBasic(server, basic(email, one.password), { ip })).status;
    expect(await check()).toBe(204);
    expect(await check()).toBe(204);

    const deleted = dataOf(await console.request(DeleteUserDocument, { input: { userId: user.id } })).deleteUser;

    expect(deleted).toEqual({ deletedUserId: user.id, revokedAppPasswords: 2, signedOutSessions: 1 });
    expect(await check()).toBe(401);
    expect(dataOf(await first.client.request(ViewerDocument)).viewer).toBeNull();
    expect(await count('users WHERE id = $1', [user.id])).toBe(0);
    const trail = (await auditRows(server.db, tenant.id)).filter(
      (e) => e.target_user_id === user.id && e.action !== 'app_password.used_from_new_network',
    );
    expect(trail.map((e) => e.action)).toEqual([
      'user.created',
      'user.password_changed',
      'app_password.created',
      'app_password.created',
      'app_password.revoked',
      'app_password.revoked',
      'user.deleted',
    ]);
    expect(trail.filter((e) => e.action === 'app_password.revoked').map((e) => [e.actor_user_id, e.details.reason])).toEqual([
      [admin.id, 'The user was deleted'],
      [admin.id, 'The user was deleted'],
    ]);
    expect(trail.at(-1)).toMatchObject({ actor_user_id: admin.id, details: { email, displayName: 'Lee Leaver', revokedAppPasswords: 2 } });
    // The sign-in name is free again.
    dataOf(await console.request(CreateUserDocument, { input: { email, role: Role.USER, password: 'NONE' } }));
  });

  it('refuses deleting yourself with BAD_USER_INPUT', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    await createAdmin(server, tenant);
    expect(code(await console.request(DeleteUserDocument, { input: { userId: admin.id } }))).toBe('BAD_USER_INPUT');
    expect(await count('users WHERE id = $1', [admin.id])).toBe(1);
  });
});

describe('renaming and updating a user', () => {
  it('a new sign-in name: app passwords keep working under it, the old name stops, audited from and to', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const ip = documentationIp();
    const check = async (name: string) => (await checkBasic(server, basic(name, appPassword.password), { ip })).status;
    expect(await check(user.email)).toBe(204);
    expect(await check(user.email)).toBe(204); // remembered under the old name
    const renamed = `Renamed.${uniqueTag()}@example.test`;

    const updated = dataOf(
      await console.request(UpdateUserDocument, { input: { userId: user.id, email: renamed, displayName: 'New Name' } }),
    );

    expect(updated.updateUser).toMatchObject({ id: user.id, email: renamed, displayName: 'New Name' });
    expect(await check(user.email)).toBe(401);
    expect(await check(renamed.toLowerCase())).toBe(204);
    dataOf((await signIn(renamed, user.password)).result);
    const events = (await auditRows(server.db, tenant.id)).filter((e) => e.action.startsWith('user.'));
    expect(events.map((e) => [e.action, e.actor_user_id, e.details])).toEqual([
      ['user.renamed', admin.id, { from: user.email, to: renamed }],
      ['user.updated', admin.id, { displayName: { from: expect.any(String), to: 'New Name' } }],
    ]);
  });

  it('refuses a sign-in name in use with ALREADY_EXISTS and changes nothing, display name included', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const result = await console.request(UpdateUserDocument, { input: { userId: user.id, email: admin.email, displayName: 'Changed' } });
    expect([code(result), fieldOf(result)]).toEqual(['ALREADY_EXISTS', 'email']);
    expect(await count(`users WHERE id = $1 AND email = $2 AND display_name <> 'Changed'`, [user.id, user.email])).toBe(1);
    expect(await count('audit_events WHERE tenant_id = $1', [tenant.id])).toBe(0);
  });

  it('leaves the names of a user provisioned over SCIM to the identity provider: BAD_USER_INPUT, nothing changed', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    await server.db.query(`UPDATE users SET source = 'scim' WHERE id = $1`, [user.id]);
    for (const input of [{ displayName: 'Changed' }, { email: `changed.${uniqueTag()}@example.test` }]) {
      const result = await console.request(UpdateUserDocument, { input: { userId: user.id, ...input } });
      expect([code(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', Object.keys(input)[0]]);
      expect(result.errors?.[0]?.message).toMatch(/identity provider/);
    }
    expect(await count(`users WHERE id = $1 AND email = $2 AND display_name <> 'Changed'`, [user.id, user.email])).toBe(1);
    expect(await count('audit_events WHERE tenant_id = $1', [tenant.id])).toBe(0);
    // The same name again is no rename; a user created at their first single sign-on may be renamed here.
    dataOf(await console.request(UpdateUserDocument, { input: { userId: user.id, email: user.email } }));
    await server.db.query(`UPDATE users SET source = 'sso' WHERE id = $1`, [user.id]);
    expect(
      dataOf(await console.request(UpdateUserDocument, { input: { userId: user.id, displayName: 'Changed' } })).updateUser,
    ).toMatchObject({
      displayName: 'Changed',
    });
  });

  it('active: false is the same disable as disableUser (sessions end, app passwords refused at once, user.disabled)', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const ip = documentationIp();
    const check = async () => (await checkBasic(server, basic(user.email, appPassword.password), { ip })).status;
    expect(await check()).toBe(204);
    expect(await check()).toBe(204);
    const actor = tokenActor();

    expect(await lifecycle().updateUser(tenant.id, actor, user.id, { active: false })).toMatchObject({ status: 'DISABLED' });

    expect(await check()).toBe(401);
    expect(dataOf(await appPassword.console.request(ViewerDocument)).viewer).toBeNull();
    await lifecycle().updateUser(tenant.id, actor, user.id, { active: true });
    expect(await check()).toBe(204);
    const events = (await auditRows(server.db, tenant.id)).filter((e) => e.action.startsWith('user.'));
    expect(events.map((e) => [e.action, e.actor_type, e.actor_api_token_id])).toEqual([
      ['user.disabled', 'api_token', actor.apiTokenId],
      ['user.enabled', 'api_token', actor.apiTokenId],
    ]);
  });
});

describe('for provisioning (SCIM)', () => {
  it('creates with an external id and finds users by it and by sign-in name; external ids are unique per tenant', async () => {
    const tenant = await createTenant(server.db);
    const other = await createTenant(server.db);
    const actor = tokenActor();
    const externalId = `ext-${uniqueTag()}`;
    const email = `scim.${uniqueTag()}@example.test`;

    const { user, initialPassword } = await lifecycle().createUser(tenant.id, actor, {
      email,
      displayName: 'Sam',
      role: Role.USER,
      password: 'none',
      externalId,
      source: 'scim',
    });

    expect(initialPassword).toBeUndefined();
    expect(user).toMatchObject({ email, externalId, source: 'scim', hasPassword: false });
    expect(await lifecycle().findUserByExternalId(tenant.id, externalId)).toMatchObject({ id: user.id });
    expect(await lifecycle().findUserByEmail(tenant.id, email.toUpperCase())).toMatchObject({ id: user.id });
    expect(await lifecycle().findUserByExternalId(other.id, externalId)).toBeNull();
    await expect(
      lifecycle().createUser(tenant.id, actor, { email: `x.${email}`, role: Role.USER, password: 'none', externalId }),
    ).rejects.toMatchObject({ extensions: { code: 'ALREADY_EXISTS', field: 'externalId' } });
    await lifecycle().createUser(other.id, actor, { email: `y.${email}`, role: Role.USER, password: 'none', externalId });
    await expect(
      lifecycle().createUser(tenant.id, actor, { email: `z.${email}`, role: 'ROOT' as Role, password: 'none' }),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'role' },
    });
  });
});

describe("another tenant's users", () => {
  it('are NOT_FOUND to every change, and nothing changes', async () => {
    const { console } = await adminTenant(server);
    const stranger = await createUser(server.db, await createTenant(server.db));
    for (const result of [
      await console.request(ChangeUserRoleDocument, { input: { userId: stranger.id, role: Role.TENANT_ADMIN } }),
      await console.request(UpdateUserDocument, { input: { userId: stranger.id, displayName: 'Hijacked' } }),
      await console.request(DeleteUserDocument, { input: { userId: stranger.id } }),
      await console.request(UpdateUserDocument, { input: { userId: randomUUID(), displayName: 'Nobody' } }),
    ]) {
      expect(code(result)).toBe('NOT_FOUND');
    }
    expect(code(await console.request(DeleteUserDocument, { input: { userId: 'not-a-uuid' } }))).toBe('BAD_USER_INPUT');
    expect(await count(`users WHERE id = $1 AND role = 'USER' AND display_name <> 'Hijacked'`, [stranger.id])).toBe(1);
  });
});

describe('the users page', () => {
  it('finds users whose sign-in name or display name starts with the text, any case, wildcards literal', async () => {
    const { tenant, console } = await adminTenant(server);
    const tag = uniqueTag();
    const ann = await lifecycle().createUser(tenant.id, tokenActor(), {
      email: `ann.${tag}@example.test`,
      displayName: `Zed ${tag}`,
      role: Role.USER,
      password: 'none',
    });
    const bob = await lifecycle().createUser(tenant.id, tokenActor(), {
      email: `bob.${tag}@example.test`,
      displayName: `${tag} Bob`,
      role: Role.USER,
      password: 'none',
    });
    const ids = async (startsWith: string) =>
      dataOf(await console.request(AdminUsersDocument, { filter: { startsWith } })).users.edges.map((e) => e.node.id);

    expect(await ids(`ANN.${tag}`)).toEqual([ann.user.id]);
    expect(await ids(`zed ${tag}`)).toEqual([ann.user.id]);
    expect(await ids(tag.toUpperCase())).toEqual([bob.user.id]);
    expect(await ids(`${tag.slice(1)}`)).toEqual([]);
    expect(await ids('%')).toEqual([]);
    expect(await ids(`ann_${tag}`)).toEqual([]);
  });
});
