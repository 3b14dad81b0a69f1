import { describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import {
  basic,
  checkBasic,
  createAppPassword,
  graphqlWithAuthorization,
  ownerOfAppPassword,
  randomIp,
  randomSecret,
} from '../support/app-passwords.js';
import { createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient, type GraphQLResult } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { CreateAppPasswordDocument, DeleteAppPasswordDocument, SecurityInfoDocument, SignInDocument } from '@app-passwords/schema';
import type { DocumentNode } from 'graphql';

/** Trusts 127.0.0.1 as a proxy, so each test's failures count against its own X-Forwarded-For address. */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

async function userWithAppPassword(options: { role?: Role } = {}) {
  const owner = await ownerOfAppPassword(server, options);
  const ip = randomIp();
  /** GraphQL as an app signed in with this app password (or another Authorization header) would send it. */
  const asApp = (query: string | DocumentNode, variables?: Record<string, unknown>, header = owner.authorization, cookie?: string) =>
    graphqlWithAuthorization(server, header, query, variables, { ip, cookie });
  return { ...owner, asApp };
}

async function count(table: 'sessions' | 'app_passwords', userId: string): Promise<number> {
  const [row] = await server.db.query(`SELECT count(*)::int AS count FROM ${table} WHERE user_id = $1`, [userId]);
  return row.count;
}

/** An app-password caller never gets a cookie, whatever happened. */
function expectNoCookie(result: GraphQLResult) {
  expect(result.headers.get('set-cookie')).toBeNull();
}

function expectUnauthenticated(result: GraphQLResult) {
  expect(result.status).toBe(401);
  expect(GraphQLClient.code(result)).toBe('UNAUTHENTICATED');
  expect(result.data ?? null).toBeNull();
  // Browsers would pop up a password prompt for the API.
  expect(result.headers.get('www-authenticate')).toBeNull();
  expectNoCookie(result);
}

describe('GraphQL with an app password', () => {
  it('acts as the owner of the app password', async () => {
    const { tenant, user, appPassword, asApp } = await userWithAppPassword();
    const result = await asApp(SecurityInfoDocument);
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.data?.viewer).toMatchObject({
      id: user.id,
      email: user.email,
      tenant: { id: tenant.id },
      securityInfo: { appPasswords: [{ id: appPassword.id }] },
    });
    expectNoCookie(result);
  });

  it('may delete its own app password, which then stops working at once', async () => {
    const { user, appPassword, authorization, asApp } = await userWithAppPassword();
    expect((await checkBasic(server, authorization)).status).toBe(204);

    const deleted = await asApp(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
    expectNoCookie(deleted);
    expect(await count('app_passwords', user.id)).toBe(0);

    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(401);
    expectUnauthenticated(await asApp(SecurityInfoDocument));
  });

  it('may not create app passwords', async () => {
    const { user, asApp } = await userWithAppPassword();
    const result = await asApp(CreateAppPasswordDocument, { input: { name: 'Another one' } });
    expect(GraphQLClient.code(result)).toBe('FORBIDDEN');
    expect(result.data ?? null).toBeNull();
    expect(result.body).not.toMatch(/"password"\s*:\s*"[a-z]{28}"/);
    expectNoCookie(result);
    expect(await count('app_passwords', user.id)).toBe(1);
  });

  it("gives an admin's app password no admin powers: it cannot create app passwords or open a console session", async () => {
    const { user, asApp } = await userWithAppPassword({ role: Role.TENANT_ADMIN });
    const sessionsBefore = await count('sessions', user.id);

    const created = await asApp(CreateAppPasswordDocument, { input: { name: 'Admin script' } });
    expect(GraphQLClient.code(created)).toBe('FORBIDDEN');
    expect(await count('app_passwords', user.id)).toBe(1);

    // Even with the right primary password in the input, Basic on the request forbids opening a session.
    const signIn = await asApp(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(GraphQLClient.code(signIn)).toBe('FORBIDDEN');
    expect(signIn.data ?? null).toBeNull();
    expectNoCookie(signIn);
    expect(await count('sessions', user.id)).toBe(sessionsBefore);
  });

  it("cannot delete another user's app password, in its tenant or another: NOT_FOUND, and it keeps working", async () => {
    const { asApp } = await userWithAppPassword();
    const { tenant } = await userWithAppPassword();
    const sameTenant = await createUser(server.db, tenant);
    const neighbour = await createAppPassword(server, sameTenant);
    const stranger = await userWithAppPassword();

    for (const [owner, target] of [
      [sameTenant, neighbour],
      [stranger.user, stranger.appPassword],
    ] as const) {
      const result = await asApp(DeleteAppPasswordDocument, { id: target.id });
      expect(GraphQLClient.code(result)).toBe('NOT_FOUND');
      expect(result.data ?? null).toBeNull();
      expectNoCookie(result);
      expect((await checkBasic(server, basic(owner.email, target.password))).status).toBe(204);
    }
  });
});

describe('an app sees and deletes only its own app password', () => {
  // Inline: `currentAppPassword` is asked by apps, never by the console.
  const MINE = /* GraphQL */ `
    query {
      viewer {
        currentAppPassword {
          id
          name
          createdAt
          expiresAt
          lastUsedAt
        }
        securityInfo {
          appPasswords {
            id
          }
          appPasswordCount
        }
      }
    }
  `;

  async function userWithTwoAppPasswords() {
    const { user, appPassword: laptop, asApp } = await userWithAppPassword();
    const console = await signedInClient(server, user);
    const phone = await createAppPassword(server, user, { console, name: 'Phone' });
    return { user, laptop, phone, console, asApp };
  }

  it('lists only the calling app password, and names it in viewer.currentAppPassword', async () => {
    const { laptop, phone, console, asApp } = await userWithTwoAppPasswords();

    const viewer = (await asApp(MINE)).data?.viewer;
    expect(viewer.securityInfo).toEqual({ appPasswords: [{ id: laptop.id }], appPasswordCount: 1 });
    expect(viewer.currentAppPassword).toMatchObject({ id: laptop.id, expiresAt: null });
    expect(typeof viewer.currentAppPassword.name).toBe('string');
    expect(viewer.currentAppPassword.lastUsedAt).not.toBeNull();

    // The console shows both, and no current app password.
    const inConsole = (await console.request(MINE)).data?.viewer;
    expect(inConsole.securityInfo.appPasswords.map((p: { id: string }) => p.id).sort()).toEqual([laptop.id, phone.id].sort());
    expect(inConsole.currentAppPassword).toBeNull();
  });

  it("cannot delete its owner's other app password: NOT_FOUND, and that one keeps working", async () => {
    const { user, laptop, phone, asApp } = await userWithTwoAppPasswords();
    const result = await asApp(DeleteAppPasswordDocument, { id: phone.id });
    expect(GraphQLClient.code(result)).toBe('NOT_FOUND');
    expect(result.data ?? null).toBeNull();
    expect(await count('app_passwords', user.id)).toBe(2);
    expect((await checkBasic(server, basic(user.email, phone.password), { ip: randomIp() })).status).toBe(204);

    // "Sign this device out": its own goes.
    expect((await asApp(DeleteAppPasswordDocument, { id: laptop.id.toUpperCase() })).data?.deleteAppPassword).toEqual({
      deletedId: laptop.id,
    });
    expect(await count('app_passwords', user.id)).toBe(1);
  });
});

describe('GraphQL refuses bad or mixed credentials', () => {
  it.each([
    ['a wrong app password', (email: string) => basic(email, randomSecret())],
    ['the primary password', (email: string, password: string) => basic(email, password)],
    ['an unknown user', () => basic('nobody@example.test', randomSecret())],
    ['malformed Basic credentials', () => 'Basic %%%'],
    ['the Basic scheme alone', () => 'Basic'],
    ['a Bearer token', () => `Bearer ${randomSecret()}`],
    ['an empty Authorization header', () => ''],
  ])('answers %s with HTTP 401 UNAUTHENTICATED and no WWW-Authenticate', async (_, header) => {
    const { user, asApp } = await userWithAppPassword();
    expectUnauthenticated(await asApp(SecurityInfoDocument, undefined, header(user.email, user.password)));
  });

  it('refuses a session cookie together with Basic credentials, even when both are valid', async () => {
    const { user, appPassword, authorization, asApp } = await userWithAppPassword();
    const console = await signedInClient(server, user);
    expect(console.cookie).toBeDefined();

    expectUnauthenticated(await asApp(SecurityInfoDocument, undefined, authorization, console.cookie));
    expectUnauthenticated(await asApp(DeleteAppPasswordDocument, { id: appPassword.id }, authorization, console.cookie));
    expectUnauthenticated(await asApp(SecurityInfoDocument, undefined, basic(user.email, randomSecret()), console.cookie));
    expect(await count('app_passwords', user.id)).toBe(1);

    // Each on its own still works.
    expect((await console.request(SecurityInfoDocument)).data?.viewer?.id).toBe(user.id);
    expect((await asApp(SecurityInfoDocument)).data?.viewer.id).toBe(user.id);
  });
});
