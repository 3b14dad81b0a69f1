import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../server/src/common/server-keys.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { bearer, createApiToken } from '../support/actors.js';
import { graphqlWithAuthorization, basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { enrollTwoStep, forgetLastCode, totpCode } from '../support/two-step.js';
import { VIEWER_ID } from '../support/operations.js';
import { startOidcProvider } from '../support/oidc-provider.js';
import {
  account,
  callback,
  CLIENT_ID,
  clientSecret,
  FormBrowser,
  ssoDomain,
  ssoTenant,
  startUrl,
  throughProvider,
  userAt,
} from '../support/sso.js';
import { AdminUsersDocument, CompleteSignInDocument, SignInDocument } from '@app-passwords/schema';

/*
 * Rotating APP_PASSWORD_LOOKUP_KEY: a server started with a new key and the
 * old one as a previous key accepts everything made under the old key, and
 * writes it again under the new one as it is used; once that is done, the old
 * key can go.
 */

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
let before: TestServer;
let during: TestServer;
let after: TestServer;

beforeAll(async () => {
  before = await startTestServer({ lookupKey: oldKey });
  // Cache off: every check here is a cold one, which is where the key matters.
  during = await startTestServer({ lookupKey: newKey, previousLookupKeys: [oldKey], appPasswordCacheTtlSeconds: 0 });
  after = await startTestServer({ lookupKey: newKey, appPasswordCacheTtlSeconds: 0 });
});

afterAll(async () => {
  await Promise.all([before?.close(), during?.close(), after?.close()]);
});
async function keyIdOf(table: string, column: string, where: string, params: unknown[]): Promise<string | null> {
  const [row] = await before.db.query(`SELECT ${column} AS id FROM ${table} WHERE ${where}`, params);
  return row.id;
}

async function signInWithCode(server: TestServer, email: string, password: string, code: string) {
  const client = new GraphQLClient(server.url);
  const first = await client.request(SignInDocument, { input: { email, password } });
  expect(first.data?.signIn.twoStepRequired).toBe(true);
  const second = await client.request(CompleteSignInDocument, { input: { code } });
  return { client, result: second };
}

describe('rotating the server key', () => {
  it('keeps app passwords, API tokens and two-step verification working, and moves each to the new key as it is used', async () => {
    const tenant = await createTenant(before.db);
    const user = await createUser(before.db, tenant);
    const admin = await createUser(before.db, tenant, { role: Role.TENANT_ADMIN });
    const used = await createAppPassword(before, user, { name: 'Used during the rotation' });
    const unused = await createAppPassword(before, user, { name: 'Not used during the rotation', console: used.console });
    // Admin work (minting a token) needs the admin's two-step verification first.
    const adminConsole = await signedInClient(before, admin);
    const twoStep = await enrollTwoStep(adminConsole);
    const token = await createApiToken(adminConsole, ['USERS_READ']);
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [used.id])).toBe(keyId(oldKey));
    expect(await keyIdOf('api_tokens', 'token_key_id', 'id = $1', [token.id])).toBe(keyId(oldKey));
    expect(await keyIdOf('totp_authenticators', 'secret_key_id', 'user_id = $1', [admin.id])).toBe(keyId(oldKey));

    // A server with only the new key knows none of it.
    expect((await checkBasic(after, basic(user.email, used.password))).status).toBe(401);
    expect((await graphqlWithAuthorization(after, bearer(token.token), AdminUsersDocument, { first: 1 })).status).toBe(401);

    // During the rotation: everything works, and what was used moves to the new key.
    expect((await checkBasic(during, basic(user.email, used.password))).status).toBe(204);
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [used.id])).toBe(keyId(newKey));
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [unused.id])).toBe(keyId(oldKey));
    expect((await checkBasic(during, basic(user.email, used.password))).status).toBe(204);

    const viaToken = await graphqlWithAuthorization(during, bearer(token.token), AdminUsersDocument, { first: 1 });
    expect(viaToken.errors).toBeUndefined();
    expect(await keyIdOf('api_tokens', 'token_key_id', 'id = $1', [token.id])).toBe(keyId(newKey));

    await forgetLastCode(before.db, admin.id);
    const withCode = await signInWithCode(during, admin.email, admin.password, totpCode(twoStep.secret));
    expect(withCode.result.data?.completeSignIn.viewer).toMatchObject({ id: admin.id });
    expect(await keyIdOf('totp_authenticators', 'secret_key_id', 'user_id = $1', [admin.id])).toBe(keyId(newKey));
    // A recovery code made under the old key still works.
    const withRecovery = await signInWithCode(during, admin.email, admin.password, twoStep.recoveryCodes[0]!);
    expect(withRecovery.result.errors).toBeUndefined();

    // After the old key is dropped: what moved keeps working; what was never used is gone with the key.
    expect((await checkBasic(after, basic(user.email, used.password))).status).toBe(204);
    expect((await checkBasic(after, basic(user.email, unused.password))).status).toBe(401);
    expect((await graphqlWithAuthorization(after, bearer(token.token), AdminUsersDocument, { first: 1 })).errors).toBeUndefined();
    await forgetLastCode(before.db, admin.id);
    const afterRotation = await signInWithCode(after, admin.email, admin.password, totpCode(twoStep.secret));
    expect(afterRotation.result.data?.completeSignIn.viewer).toMatchObject({ id: admin.id });
    expect((await afterRotation.client.request(VIEWER_ID)).data).toEqual({ viewer: { id: admin.id } });
  });

  it('tags new app passwords under the current key only', async () => {
    const tenant = await createTenant(during.db);
    const user = await createUser(during.db, tenant);
    const created = await createAppPassword(during, user);
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [created.id])).toBe(keyId(newKey));
    expect((await checkBasic(after, basic(user.email, created.password))).status).toBe(204);
    expect((await checkBasic(before, basic(user.email, created.password))).status).toBe(401);
  });

  it('seals the single sign-on client secret again under the new key at its next sign-in, so the old key can go', async () => {
    const secret = clientSecret();
    const domain = ssoDomain();
    const alice = account(`alice@${domain}`);
    const provider = await startOidcProvider({
      clients: [
        { clientId: CLIENT_ID, clientSecret: secret, redirectUris: [before, during, after].map((s) => `${s.url}/auth/oidc/callback`) },
      ],
      accounts: [alice],
    });
    try {
      const { tenant } = await ssoTenant(before, provider, secret, { domain });
      await userAt(before, tenant, 'alice', domain);
      const sealed = async () =>
        (
          await before.db.query(
            'SELECT client_secret AS secret, client_secret_key_id AS "keyId" FROM identity_providers WHERE tenant_id = $1',
            [tenant.id],
          )
        )[0];
      const underOldKey = await sealed();
      expect(underOldKey.keyId).toBe(keyId(oldKey));

      const signIn = async (server: TestServer) => {
        const browser = new FormBrowser();
        const back = await throughProvider(browser, server, startUrl(server, alice.email), alice);
        return callback(browser, back);
      };
      expect(await signIn(during)).toMatchObject({ location: '/security-info', error: null });
      const underNewKey = await sealed();
      expect(underNewKey.keyId).toBe(keyId(newKey));
      expect(Buffer.compare(underNewKey.secret, underOldKey.secret)).not.toBe(0);
      // Once sealed again, a server without the old key signs people in as well.
      expect(await signIn(after)).toMatchObject({ location: '/security-info', error: null });
    } finally {
      await provider.stop();
    }
  });
});
