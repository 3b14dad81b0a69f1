import { describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword, graphqlWithAuthorization } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { documentationIp } from '../support/admin.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { ChangePasswordDocument, SignInDocument, ViewerDocument } from '@app-passwords/schema';

const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

async function signsIn(user: TestUser, password: string): Promise<boolean> {
  const result = await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password } });
  return !result.errors;
}

const viewerId = async (client: GraphQLClient) => (await client.request(ViewerDocument)).data?.viewer?.id ?? null;

describe('changing the primary password', () => {
  it('is throttled like a sign-in: a stolen session cannot guess the current password online', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    console.headers['x-forwarded-for'] = documentationIp();
    for (let i = 0; i < 10; i++) {
      const wrong = await console.request(ChangePasswordDocument, {
        input: { currentPassword: `guess number ${i}`, newPassword: 'a brand-new passphrase' },
      });
      expect(GraphQLClient.code(wrong)).toBe('BAD_USER_INPUT');
    }
    const blocked = await console.request(ChangePasswordDocument, {
      input: { currentPassword: user.password, newPassword: 'a brand-new passphrase' },
    });
    expect(GraphQLClient.code(blocked)).toBe('RATE_LIMITED');
    expect(await signsIn(user, user.password)).toBe(true);
  });

  it('takes the current password, then only the new one signs in; other sessions end, this one stays', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const here = await signedInClient(server, user);
    const elsewhere = await signedInClient(server, user);
    const appPassword = await createAppPassword(server, user);

    const result = await here.request(ChangePasswordDocument, {
      input: { currentPassword: user.password, newPassword: 'a brand-new passphrase' },
    });
    expect(result.data?.changePassword).toEqual({ revokedAppPasswords: 0 });

    expect(await viewerId(here)).toBe(user.id);
    expect(await viewerId(elsewhere)).toBeNull();
    expect(await signsIn(user, user.password)).toBe(false);
    expect(await signsIn(user, 'a brand-new passphrase')).toBe(true);
    // The tenant does not revoke on password change (the default): the app keeps working.
    expect((await checkBasic(server, basic(user.email, appPassword.password))).status).toBe(204);

    const [event] = await server.db.query(
      `SELECT action, actor_user_id, row_to_json(e)::text AS json FROM audit_events e WHERE target_user_id = $1 AND action = 'user.password_changed'`,
      [user.id],
    );
    expect(event).toMatchObject({ action: 'user.password_changed', actor_user_id: user.id });
    expect(event.json).not.toContain('brand-new');
    expect(event.json).not.toContain(user.password);
  });

  it('deletes the user’s app passwords when the tenant policy says so', async () => {
    const tenant = await createTenant(server.db);
    await server.db.query('UPDATE tenant_policies SET revoke_when_primary_password_changes = true WHERE tenant_id = $1', [tenant.id]);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const first = await createAppPassword(server, user);
    await createAppPassword(server, user);

    const result = await client.request(ChangePasswordDocument, {
      input: { currentPassword: user.password, newPassword: 'another long passphrase' },
    });
    expect(result.data?.changePassword).toEqual({ revokedAppPasswords: 2 });
    expect((await checkBasic(server, basic(user.email, first.password))).status).toBe(401);
    const [{ revoked }] = await server.db.query(
      `SELECT count(*)::int AS revoked FROM audit_events WHERE target_user_id = $1 AND action = 'app_password.revoked'`,
      [user.id],
    );
    expect(revoked).toBe(2);
  });

  it.each([
    ['a wrong current password', { currentPassword: 'not my password at all', newPassword: 'a brand-new passphrase' }, 'currentPassword'],
    ['a new password under 12 characters', { currentPassword: 'CURRENT', newPassword: 'short' }, 'newPassword'],
    ['the same password again', { currentPassword: 'CURRENT', newPassword: 'CURRENT' }, 'newPassword'],
  ])('refuses %s with BAD_USER_INPUT naming the field, changing nothing', async (_label, input, field) => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const other = await signedInClient(server, user);
    const swap = (v: string) => (v === 'CURRENT' ? user.password : v);
    const result = await client.request(ChangePasswordDocument, {
      input: { currentPassword: swap(input.currentPassword), newPassword: swap(input.newPassword) },
    });
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    expect(await signsIn(user, user.password)).toBe(true);
    expect(await viewerId(other)).toBe(user.id);
  });

  it('is refused to an app (Basic with an app password), which never manages the account', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user);
    const result = await graphqlWithAuthorization(server, basic(user.email, appPassword.password), ChangePasswordDocument, {
      input: { currentPassword: user.password, newPassword: 'a brand-new passphrase' },
    });
    expect(GraphQLClient.code(result)).toBe('FORBIDDEN');
    expect(await signsIn(user, user.password)).toBe(true);
  });
});
