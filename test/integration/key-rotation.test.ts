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
const API_TOKEN_QUERY = /* GraphQL */ `
  query {
    users(first: 1) {
      edges {
        node {
          id
        }
      }
    }
  }
`;

async function keyIdOf(table: string, column: string, where: string, params: unknown[]): Promise<string | null> {
  const [row] = await before.db.query(`SELECT ${column} AS id FROM ${table} WHERE ${where}`, params);
  return row.id;
}

async function signInWithCode(server: TestServer, email: string, password: string, code: string) {
  const client = new GraphQLClient(server.url);
  const first = await client.request(`mutation ($input: SignInInput!) { signIn(input: $input) { twoStepRequired } }`, {
    input: { email, password },
  });
  expect(first.data?.signIn.twoStepRequired).toBe(true);
  const second = await client.request(`mutation ($code: String!) { completeSignIn(input: { code: $code }) { viewer { id } } }`, { code });
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
    expect((await graphqlWithAuthorization(after, bearer(token.token), API_TOKEN_QUERY)).status).toBe(401);

    // During the rotation: everything works, and what was used moves to the new key.
    expect((await checkBasic(during, basic(user.email, used.password))).status).toBe(204);
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [used.id])).toBe(keyId(newKey));
    expect(await keyIdOf('app_passwords', 'lookup_key_id', 'id = $1', [unused.id])).toBe(keyId(oldKey));
    expect((await checkBasic(during, basic(user.email, used.password))).status).toBe(204);

    const viaToken = await graphqlWithAuthorization(during, bearer(token.token), API_TOKEN_QUERY);
    expect(viaToken.errors).toBeUndefined();
    expect(await keyIdOf('api_tokens', 'token_key_id', 'id = $1', [token.id])).toBe(keyId(newKey));

    await forgetLastCode(before.db, admin.id);
    const withCode = await signInWithCode(during, admin.email, admin.password, totpCode(twoStep.secret));
    expect(withCode.result.data?.completeSignIn.viewer).toEqual({ id: admin.id });
    expect(await keyIdOf('totp_authenticators', 'secret_key_id', 'user_id = $1', [admin.id])).toBe(keyId(newKey));
    // A recovery code made under the old key still works.
    const withRecovery = await signInWithCode(during, admin.email, admin.password, twoStep.recoveryCodes[0]!);
    expect(withRecovery.result.errors).toBeUndefined();

    // After the old key is dropped: what moved keeps working; what was never used is gone with the key.
    expect((await checkBasic(after, basic(user.email, used.password))).status).toBe(204);
    expect((await checkBasic(after, basic(user.email, unused.password))).status).toBe(401);
    expect((await graphqlWithAuthorization(after, bearer(token.token), API_TOKEN_QUERY)).errors).toBeUndefined();
    await forgetLastCode(before.db, admin.id);
    const afterRotation = await signInWithCode(after, admin.email, admin.password, totpCode(twoStep.secret));
    expect(afterRotation.result.data?.completeSignIn.viewer).toEqual({ id: admin.id });
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
});
