import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { adminTenant, auditRows, dataOf } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { enrollTwoStep, totpCode } from '../support/two-step.js';
import { VIEWER_ID } from '../support/operations.js';
import {
  AdminUsersDocument,
  CompleteSignInDocument,
  ReauthenticateDocument,
  ResetTwoStepVerificationDocument,
  SignInDocument,
} from '@app-passwords/schema';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A user of the tenant who set up an authenticator app in the console, as users do. */
async function enrolledUser(tenant: { id: string; name: string }): Promise<TestUser & { console: GraphQLClient; recoveryCodes: string[] }> {
  const user = await createUser(server.db, tenant);
  const console = await signedInClient(server, user);
  const twoStep = await enrollTwoStep(console);
  return { ...user, twoStep, console, recoveryCodes: twoStep.recoveryCodes };
}

async function twoStepRows(user: TestUser): Promise<{ authenticators: number; recoveryCodes: number }> {
  const [row] = await server.db.query(
    `SELECT (SELECT count(*)::int FROM totp_authenticators WHERE user_id = $1) AS authenticators,
            (SELECT count(*)::int FROM recovery_codes WHERE user_id = $1) AS "recoveryCodes"`,
    [user.id],
  );
  return row;
}

/** Makes the admin's last sign-in older than the 10 minutes sensitive changes accept. */
async function ageSignIn(user: TestUser): Promise<void> {
  await server.db.query(`UPDATE sessions SET authenticated_at = now() - interval '25 minutes' WHERE user_id = $1`, [user.id]);
}

describe('an admin resets a locked-out user’s two-step verification', () => {
  it('removes the app and the recovery codes, ends every session and pending sign-in, and the user gets in with the password to set up a new app', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await enrolledUser(tenant);
    const elsewhere = await signedInClient(server, user);
    const pending = new GraphQLClient(server.url);
    expect(
      dataOf(await pending.request(SignInDocument, { input: { email: user.email, password: user.password } })).signIn.twoStepRequired,
    ).toBe(true);

    const reset = dataOf(await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id } })).resetTwoStepVerification;
    expect(reset).toMatchObject({ user: { id: user.id, twoStepEnabled: false }, revokedAppPasswords: 0, signedOutSessions: 2 });

    expect(await twoStepRows(user)).toEqual({ authenticators: 0, recoveryCodes: 0 });
    for (const client of [user.console, elsewhere]) expect(dataOf(await client.request(VIEWER_ID)).viewer).toBeNull();
    expect(GraphQLClient.code(await pending.request(CompleteSignInDocument, { input: { code: totpCode(user.twoStep!.secret, 1) } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await server.db.query('SELECT 1 FROM sessions WHERE user_id = $1', [user.id])).toEqual([]);
    expect((await auditRows(server.db, tenant.id, 'two_step.reset')).map((e) => [e.actor_user_id, e.target_user_id, e.details])).toEqual([
      [admin.id, user.id, { revokedAppPasswords: 0, signedOutSessions: 2 }],
    ]);
    const listed = dataOf(await console.request(AdminUsersDocument, { first: 50 })).users.edges.map(({ node }) => ({
      id: node.id,
      twoStepEnabled: node.twoStepEnabled,
    }));
    expect(listed).toEqual(
      expect.arrayContaining([
        { id: user.id, twoStepEnabled: false },
        { id: admin.id, twoStepEnabled: true },
      ]),
    );

    // The way back: the password alone, then a new app.
    const back = new GraphQLClient(server.url);
    expect(
      dataOf(await back.request(SignInDocument, { input: { email: user.email, password: user.password } })).signIn.twoStepRequired,
    ).toBe(false);
    expect((await enrollTwoStep(back)).recoveryCodes).toHaveLength(10);
    // The old recovery codes are gone for good.
    const old = new GraphQLClient(server.url);
    await old.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(GraphQLClient.code(await old.request(CompleteSignInDocument, { input: { code: user.recoveryCodes[0]! } }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('where app passwords need two-step verification: refused while the user has some, unless they go too; then they stop working', async () => {
    const { tenant, admin, console } = await adminTenant(server, { requireTwoStepForAppPasswords: true });
    const user = await enrolledUser(tenant);
    const appPassword = await createAppPassword(server, user, { console: user.console });
    const authorization = basic(user.email, appPassword.password);

    const refused = await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id } });
    expect(GraphQLClient.code(refused)).toBe('TWO_STEP_NEEDED_BY_APP_PASSWORDS');
    expect(refused.errors?.[0]?.extensions?.appPasswords).toBe(1);
    expect(await twoStepRows(user)).toEqual({ authenticators: 1, recoveryCodes: 10 });
    expect(dataOf(await user.console.request(VIEWER_ID)).viewer).toEqual({ id: user.id });
    expect((await checkBasic(server, authorization)).status).toBe(204);
    expect(await auditRows(server.db, tenant.id, 'two_step.reset')).toEqual([]);

    const reset = dataOf(
      await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id, deleteAppPasswords: true } }),
    ).resetTwoStepVerification;
    expect(reset.revokedAppPasswords).toBe(1);
    expect((await checkBasic(server, authorization)).status).toBe(401);
    const [revoked] = await auditRows(server.db, tenant.id, 'app_password.revoked');
    expect(revoked).toMatchObject({ actor_user_id: admin.id, target_user_id: user.id, app_password_id: appPassword.id });
    expect(revoked!.details).toEqual({ reason: 'Two-step verification was reset' });
  });

  it('leaves app passwords alone where the tenant does not tie them to two-step verification', async () => {
    const { tenant, console } = await adminTenant(server);
    const user = await enrolledUser(tenant);
    const appPassword = await createAppPassword(server, user, { console: user.console });
    const reset = dataOf(
      await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id, deleteAppPasswords: true } }),
    ).resetTwoStepVerification;
    expect(reset.revokedAppPasswords).toBe(0);
    expect((await checkBasic(server, basic(user.email, appPassword.password))).status).toBe(204);
  });

  it('gives a locked-out admin a way back: reset by another admin, they sign in with the password and must set up a new app before admin work', async () => {
    const { tenant, console } = await adminTenant(server);
    const lockedOut = await createAdmin(server, tenant);
    dataOf(await console.request(ResetTwoStepVerificationDocument, { input: { userId: lockedOut.id } }));

    const back = await signedInClient(server, { ...lockedOut, twoStep: undefined });
    expect(GraphQLClient.code(await back.request(AdminUsersDocument, { first: 50 }))).toBe('TWO_STEP_REQUIRED');
    await enrollTwoStep(back);
    expect((await back.request(AdminUsersDocument, { first: 50 })).errors).toBeUndefined();
  });
});

describe('what a reset needs', () => {
  it('a sign-in of the last 10 minutes: the password again, then it goes through', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const user = await enrolledUser(tenant);
    await ageSignIn(admin);
    expect(GraphQLClient.code(await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id } }))).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
    expect(await twoStepRows(user)).toEqual({ authenticators: 1, recoveryCodes: 10 });

    dataOf(await console.request(ReauthenticateDocument, { input: { password: admin.password } }));
    expect((await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id } })).errors).toBeUndefined();
  });

  it('two-step verification of the admin’s own, even where the policy lets admins work without it', async () => {
    const tenant = await createTenant(server.db, { requireTwoStepForAdmins: false });
    const admin = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    const console = await signedInClient(server, admin);
    const user = await enrolledUser(tenant);
    expect((await console.request(AdminUsersDocument, { first: 50 })).errors).toBeUndefined();
    expect(GraphQLClient.code(await console.request(ResetTwoStepVerificationDocument, { input: { userId: user.id } }))).toBe(
      'TWO_STEP_REQUIRED',
    );
    expect(await twoStepRows(user)).toEqual({ authenticators: 1, recoveryCodes: 10 });
    expect(await auditRows(server.db, tenant.id, 'two_step.reset')).toEqual([]);
  });

  it('someone else: never the admin’s own (BAD_USER_INPUT), nor a user without two-step verification', async () => {
    const { tenant, admin, console } = await adminTenant(server);
    const plain = await createUser(server.db, tenant);
    for (const userId of [admin.id, plain.id, 'not-an-id']) {
      const refused = await console.request(ResetTwoStepVerificationDocument, { input: { userId } });
      expect(GraphQLClient.code(refused), userId).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('userId');
    }
    expect(await twoStepRows(admin)).toEqual({ authenticators: 1, recoveryCodes: 0 });
    expect(await auditRows(server.db, tenant.id)).toEqual([]);
  });

  it('a user of the admin’s own tenant: another tenant’s user is NOT_FOUND and keeps everything', async () => {
    const { console } = await adminTenant(server);
    const other = await createTenant(server.db);
    const stranger = await enrolledUser(other);
    expect(GraphQLClient.code(await console.request(ResetTwoStepVerificationDocument, { input: { userId: stranger.id } }))).toBe(
      'NOT_FOUND',
    );
    expect(await twoStepRows(stranger)).toEqual({ authenticators: 1, recoveryCodes: 10 });
    expect(dataOf(await stranger.console.request(VIEWER_ID)).viewer).toEqual({ id: stranger.id });
    expect(await auditRows(server.db, other.id, 'two_step.reset')).toEqual([]);
  });
});
