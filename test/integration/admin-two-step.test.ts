import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { twoStepRequiredForAdmin, twoStepRequiredForAdminSql } from '../../server/src/modules/tenant-policies/tenant-policy.rules.js';
import { createApiToken, bearer } from '../support/actors.js';
import { adminTenant, auditRows, dataOf, getWith } from '../support/admin.js';
import { graphqlWithAuthorization } from '../support/app-passwords.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant, type TestUser } from '../support/factories.js';
import { GraphQLClient, type GraphQLResult } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { enrollTwoStep, giveTwoStep } from '../support/two-step.js';
import {
  AdminAppPasswordsDocument,
  AdminUsersDocument,
  ApiTokensDocument,
  AuditEntriesDocument,
  CreateApiTokenDocument,
  RevokeAppPasswordsDocument,
  SecurityInfoDocument,
  SignInActivityDocument,
  SignInEntriesDocument,
  TenantPolicyDocument,
  UpdateTenantPolicyDocument,
  ViewerDocument,
} from '@app-passwords/schema';

/** Every admin query the console sends, one per document: its name, the field it asks first, how to send it. */
const ADMIN_QUERIES: Array<[name: string, field: string, send: (client: GraphQLClient) => Promise<GraphQLResult>]> = [
  ['TenantPolicy', 'tenantPolicy', (client) => client.request(TenantPolicyDocument)],
  // Inline: the preview alone, which the console never asks; in TenantPolicy the refusal of tenantPolicy hides its own.
  ['preview', 'previewTenantPolicyChange', (client) => client.request(`query { previewTenantPolicyChange { block { users } } }`)],
  ['AdminUsers', 'users', (client) => client.request(AdminUsersDocument, { first: 10 })],
  ['AdminAppPasswords', 'appPasswords', (client) => client.request(AdminAppPasswordsDocument, { first: 10 })],
  ['AuditEntries', 'auditEntries', (client) => client.request(AuditEntriesDocument, { first: 10 })],
  ['SignInEntries', 'signInEntries', (client) => client.request(SignInEntriesDocument, { first: 10 })],
  ['SignInActivity', 'signInActivity', (client) => client.request(SignInActivityDocument, { days: 7, timeZone: 'UTC' })],
  ['ApiTokens', 'apiTokens', (client) => client.request(ApiTokensDocument)],
];
const EXPORTS = ['/export/audit.csv', '/export/sign-ins.csv'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A tenant as new tenants are (admins need two-step verification), with an admin who has a password alone. */
async function passwordOnlyAdmin() {
  const tenant = await createTenant(server.db);
  const admin = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
  const user = await createUser(server.db, tenant);
  await insertAppPasswords(server.db, user, 2);
  return { tenant, admin, user, console: await signedInClient(server, admin) };
}

async function count(sql: string, tenant: TestTenant): Promise<number> {
  const [row] = await server.db.query(`SELECT count(*)::int AS count FROM ${sql} WHERE tenant_id = $1`, [tenant.id]);
  return row.count;
}

async function maxPerUser(tenant: TestTenant): Promise<number> {
  const [row] = await server.db.query('SELECT max_app_passwords_per_user AS max FROM tenant_policies WHERE tenant_id = $1', [tenant.id]);
  return row.max;
}

describe('admins need two-step verification where the tenant requires it (new tenants do)', () => {
  it('a password-only admin signs in, gets TWO_STEP_REQUIRED on every admin query, mutation and export, and nothing changes', async () => {
    const { tenant, user, console } = await passwordOnlyAdmin();
    expect(dataOf(await console.request(ViewerDocument)).viewer!.twoStepRequiredForAdmin).toBe(true);

    const refused = [
      await console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 5 } }),
      await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id], reason: 'Phone lost' } }),
      await console.request(CreateApiTokenDocument, { input: { name: 'Report', scopes: ['USERS_READ'] } }),
    ];
    expect(refused.map((result) => GraphQLClient.code(result))).toEqual(refused.map(() => 'TWO_STEP_REQUIRED'));
    const queries = await Promise.all(ADMIN_QUERIES.map(async ([name, , send]) => ({ name, result: await send(console) })));
    // Refused on the field each asks first, and nothing of what they ask answered.
    expect(
      queries.map(({ name, result }) => [
        name,
        result.errors?.map((error) => `${error.path?.join('.')}: ${String(error.extensions?.code)}`),
        Object.values(result.data ?? {}).filter((value) => value !== null),
      ]),
    ).toEqual(ADMIN_QUERIES.map(([name, field]) => [name, [`${field}: TWO_STEP_REQUIRED`], []]));
    for (const path of EXPORTS) {
      const response = await getWith(server, path, { cookie: console.cookie });
      expect(response.status).toBe(403);
      expect((await response.json()).errors[0].extensions.code).toBe('TWO_STEP_REQUIRED');
    }

    expect(await maxPerUser(tenant)).toBe(40);
    expect(await count('app_passwords', tenant)).toBe(2);
    expect(await count('api_tokens', tenant)).toBe(0);
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });

  it('after setting up an authenticator app in the same session, all of it works', async () => {
    const { tenant, user, console } = await passwordOnlyAdmin();
    await enrollTwoStep(console);
    expect(dataOf(await console.request(ViewerDocument)).viewer!.twoStepRequiredForAdmin).toBe(false);

    expect(
      dataOf(await console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 5 } })).updateTenantPolicy.policy,
    ).toMatchObject({
      maxAppPasswordsPerUser: 5,
      requireTwoStepForAdmins: true,
    });
    expect(
      dataOf(await console.request(RevokeAppPasswordsDocument, { input: { userIds: [user.id], reason: 'Phone lost' } })).revokeAppPasswords
        .count,
    ).toBe(2);
    expect(
      dataOf(await console.request(CreateApiTokenDocument, { input: { name: 'Report', scopes: ['USERS_READ'] } })).createApiToken.token,
    ).toMatch(/^apt_/);
    for (const [name, , send] of ADMIN_QUERIES) expect((await send(console)).errors, name).toBeUndefined();
    for (const path of EXPORTS) expect((await getWith(server, path, { cookie: console.cookie })).status).toBe(200);
    expect(await count('api_tokens', tenant)).toBe(1);
  });

  it('holds the admin back within the document that signs in, too', async () => {
    const { tenant, admin } = await passwordOnlyAdmin();
    const client = new GraphQLClient(server.url);
    const result = await client.request(
      `mutation ($input: SignInInput!) {
        signIn(input: $input) { viewer { id twoStepRequiredForAdmin } }
        updateTenantPolicy(input: { maxAppPasswordsPerUser: 5 }) { policy { maxAppPasswordsPerUser } }
      }`,
      { input: { email: admin.email, password: admin.password } },
    );
    // Signed in (the cookie is set), but the policy change in the same document is refused.
    expect(client.cookie).toBeDefined();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['TWO_STEP_REQUIRED']);
    expect(dataOf(await client.request(ViewerDocument)).viewer).toMatchObject({ id: admin.id, twoStepRequiredForAdmin: true });
    expect(await maxPerUser(tenant)).toBe(40);
  });

  it('switched off by an admin with two-step verification, lets the password-only admin through; on again, holds them back at once', async () => {
    const { tenant, console: passwordOnly } = await passwordOnlyAdmin();
    const other = await giveTwoStep(server, await createUser(server.db, tenant, { role: Role.TENANT_ADMIN }));
    const enrolled = await signedInClient(server, other);

    dataOf(await enrolled.request(UpdateTenantPolicyDocument, { input: { requireTwoStepForAdmins: false } }));
    expect(dataOf(await passwordOnly.request(ViewerDocument)).viewer!.twoStepRequiredForAdmin).toBe(false);
    expect((await passwordOnly.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 7 } })).errors).toBeUndefined();
    expect((await getWith(server, EXPORTS[0]!, { cookie: passwordOnly.cookie })).status).toBe(200);
    const [event] = await auditRows(server.db, tenant.id, 'tenant_policy.updated');
    expect([event!.details.before.requireTwoStepForAdmins, event!.details.after.requireTwoStepForAdmins]).toEqual([true, false]);

    dataOf(await enrolled.request(UpdateTenantPolicyDocument, { input: { requireTwoStepForAdmins: true } }));
    expect(GraphQLClient.code(await passwordOnly.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 9 } }))).toBe(
      'TWO_STEP_REQUIRED',
    );
    expect(await maxPerUser(tenant)).toBe(7);
  });

  it('leaves users and API tokens alone: a token an admin minted keeps working after the admin lost two-step verification', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await createUser(server.db, tenant);
    const userConsole = await signedInClient(server, user);
    expect(dataOf(await userConsole.request(ViewerDocument)).viewer!.twoStepRequiredForAdmin).toBe(false);
    expect((await userConsole.request(SecurityInfoDocument)).errors).toBeUndefined();

    const token = await createApiToken(console, ['USERS_READ']);
    await server.db.query('DELETE FROM totp_authenticators WHERE user_id = $1', [admin.id]);
    expect(GraphQLClient.code(await console.request(AdminUsersDocument, { first: 10 }))).toBe('TWO_STEP_REQUIRED');
    const viaToken = await graphqlWithAuthorization(server, bearer(token.token), AdminUsersDocument, { first: 10 });
    expect(viaToken.errors).toBeUndefined();
  });

  it('is the same rule in TypeScript and in the session lookup’s SQL, case by case', async () => {
    const cases: Array<{ role: Role; required: boolean; twoStep: 'none' | 'started' | 'on' }> = [];
    for (const role of [Role.TENANT_ADMIN, Role.USER])
      for (const required of [true, false])
        for (const twoStep of ['none', 'started', 'on'] as const) cases.push({ role, required, twoStep });

    for (const c of cases) {
      const tenant = await createTenant(server.db, { requireTwoStepForAdmins: c.required });
      let user: TestUser = await createUser(server.db, tenant, { role: c.role });
      if (c.twoStep !== 'none') user = await giveTwoStep(server, user);
      if (c.twoStep === 'started')
        await server.db.query('UPDATE totp_authenticators SET confirmed_at = NULL WHERE user_id = $1', [user.id]);

      const [sql] = await server.db.query(`SELECT ${twoStepRequiredForAdminSql('u')} AS required FROM users u WHERE u.id = $1`, [user.id]);
      const typescript = twoStepRequiredForAdmin(
        { requireTwoStepForAdmins: c.required },
        { role: c.role, twoStepEnabled: c.twoStep === 'on' },
      );
      expect({ ...c, sql: sql.required }).toEqual({ ...c, sql: typescript });
      // And what the server answers a session of theirs.
      const console = await signedInClient(server, user);
      expect({ ...c, viewer: dataOf(await console.request(ViewerDocument)).viewer!.twoStepRequiredForAdmin }).toEqual({
        ...c,
        viewer: typescript,
      });
    }
  });
});
