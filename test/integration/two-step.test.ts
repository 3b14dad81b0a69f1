import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfirmTwoStepEnrollmentDocument,
  CreateAppPasswordDocument,
  ReauthenticateDocument,
  RegenerateRecoveryCodesDocument,
  RemoveTwoStepVerificationDocument,
  SecurityInfoDocument,
  SignInDocument,
  StartTwoStepEnrollmentDocument,
} from '@app-passwords/schema';
import { auditRows, documentationIp } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { enrollTwoStep, awayFromStepEnd, forgetLastCode, signedInWithTwoStep, totpCode } from '../support/two-step.js';
import { VIEWER_ID } from '../support/operations.js';

/** Inline: it asks `completeSignIn` for `twoStepRequired`, which the console's CompleteSignIn does not select. */
const COMPLETE = /* GraphQL */ `
  mutation ($code: String!) {
    completeSignIn(input: { code: $code }) {
      twoStepRequired
      viewer {
        id
      }
    }
  }
`;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
});

afterAll(async () => {
  await server.close();
});

/** A user whose tenant allows app passwords only with two-step verification, signed in with the password alone. */
async function userOfStrictTenant() {
  const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: true });
  const user = await createUser(server.db, tenant);
  const console = await signedInClient(server, user);
  return { tenant, user, console };
}

async function securityInfo(client: GraphQLClient) {
  const result = await client.request(SecurityInfoDocument);
  expect(result.errors).toBeUndefined();
  return result.data!.viewer!.securityInfo;
}

async function sessionRows(user: TestUser): Promise<Array<{ id: string; methods: string[]; pending: boolean }>> {
  return server.db.query(
    `SELECT id, authentication_methods AS methods, two_step_pending AS pending FROM sessions WHERE user_id = $1 ORDER BY created_at`,
    [user.id],
  );
}

/** Fails when the secret appears in any of the rows, in any letter case. */
function expectNowhere(rows: unknown[], secret: string): void {
  expect(JSON.stringify(rows).toLowerCase()).not.toContain(secret.toLowerCase());
}

/** Makes the session's last sign-in older than the 10 minutes sensitive changes accept. */
async function ageSignIn(user: TestUser, minutes = 11): Promise<void> {
  await server.db.query(`UPDATE sessions SET authenticated_at = now() - make_interval(mins => $2) WHERE user_id = $1`, [user.id, minutes]);
}

describe('setting up an authenticator app', () => {
  it('shows a key, its URI and a QR code, and turns on only with a right code; then ten recovery codes, once', async () => {
    const { tenant, user, console } = await userOfStrictTenant();
    expect(await securityInfo(console)).toMatchObject({
      availableMethods: ['AUTHENTICATOR_APP'],
      appPasswordsRequireTwoStep: true,
      twoStep: { enabled: false, enabledAt: null, recoveryCodesLeft: 0 },
    });

    const started = (await console.request(StartTwoStepEnrollmentDocument)).data!.startTwoStepEnrollment;
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.otpauthUri).toBe(
      `otpauth://totp/App%20Passwords:${encodeURIComponent(user.email)}?secret=${started.secret}&issuer=App%20Passwords`,
    );
    expect(started.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    // Not in force until confirmed: signing in still takes the password alone.
    expect(
      (await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password: user.password } })).data,
    ).toMatchObject({
      signIn: { twoStepRequired: false, viewer: { id: user.id } },
    });

    for (const wrong of ['000000', '12345', 'abcdef', totpCode(started.secret, 5)]) {
      const refused = await console.request(ConfirmTwoStepEnrollmentDocument, { input: { code: wrong } });
      expect(GraphQLClient.code(refused)).toBe('BAD_USER_INPUT');
    }
    expect((await securityInfo(console)).twoStep.enabled).toBe(false);

    const confirmed = await console.request(ConfirmTwoStepEnrollmentDocument, { input: { code: totpCode(started.secret) } });
    expect(confirmed.errors).toBeUndefined();
    const codes: string[] = confirmed.data!.confirmTwoStepEnrollment.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);

    const info = await securityInfo(console);
    expect(info).toMatchObject({ availableMethods: ['APP_PASSWORD'], twoStep: { enabled: true, recoveryCodesLeft: 10 } });
    expect(GraphQLClient.code(await console.request(StartTwoStepEnrollmentDocument))).toBe('BAD_USER_INPUT');

    // The key and the codes are nowhere in the clear: not in the tables, not in the audit trail, not in the log.
    const stored = await server.db.query(
      `SELECT row_to_json(t)::text AS json FROM totp_authenticators t WHERE user_id = $1
       UNION ALL SELECT row_to_json(r)::text FROM recovery_codes r WHERE user_id = $1`,
      [user.id],
    );
    const audit = await auditRows(server.db, tenant.id, 'two_step.enabled');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: user.id, target_user_id: user.id });
    for (const secret of [started.secret, started.secret.toLowerCase(), ...codes, ...codes.map((c) => c.replace(/-/g, ''))]) {
      expectNowhere([...stored, ...audit], secret);
      expect(server.logs.join('\n')).not.toContain(secret);
    }
  });
});

describe('setting up an authenticator app in a session that may be stolen', () => {
  it('needs a sign-in of the last 10 minutes to start and to confirm: a 25-minute-old session cannot make the second factor its own', async () => {
    const { tenant, user, console } = await userOfStrictTenant();
    await ageSignIn(user, 25);
    expect(GraphQLClient.code(await console.request(StartTwoStepEnrollmentDocument))).toBe('REAUTHENTICATION_REQUIRED');
    expect(await server.db.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1', [user.id])).toEqual([]);

    expect((await console.request(ReauthenticateDocument, { input: { password: user.password } })).errors).toBeUndefined();
    const started = (await console.request(StartTwoStepEnrollmentDocument)).data!.startTwoStepEnrollment;
    await ageSignIn(user, 25);
    expect(GraphQLClient.code(await console.request(ConfirmTwoStepEnrollmentDocument, { input: { code: totpCode(started.secret) } }))).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
    expect((await securityInfo(console)).twoStep.enabled).toBe(false);
    expect(await server.db.query('SELECT 1 FROM recovery_codes WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await auditRows(server.db, tenant.id, 'two_step.enabled')).toEqual([]);

    // The password again, and the same key and code go through.
    expect((await console.request(ReauthenticateDocument, { input: { password: user.password } })).errors).toBeUndefined();
    expect((await console.request(ConfirmTwoStepEnrollmentDocument, { input: { code: totpCode(started.secret) } })).errors).toBeUndefined();
    expect((await securityInfo(console)).twoStep.enabled).toBe(true);
  });

  it('signs out the user’s other sessions, not this one, and says how many in the answer and in the audit trail', async () => {
    const { tenant, user, console } = await userOfStrictTenant();
    const elsewhere = [await signedInClient(server, user), await signedInClient(server, user)];
    const idle = await signedInClient(server, user);
    const idleId = (await sessionRows(user)).at(-1)!.id;
    await server.db.query(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`, [idleId]);

    const started = (await console.request(StartTwoStepEnrollmentDocument)).data!.startTwoStepEnrollment;
    const confirmed = await console.request(ConfirmTwoStepEnrollmentDocument, { input: { code: totpCode(started.secret) } });
    expect(confirmed.data!.confirmTwoStepEnrollment.signedOutSessions).toBe(2);

    for (const client of [...elsewhere, idle]) expect((await client.request(VIEWER_ID)).data).toEqual({ viewer: null });
    expect((await console.request(VIEWER_ID)).data).toEqual({ viewer: { id: user.id } });
    expect(await sessionRows(user)).toHaveLength(1);
    expect((await auditRows(server.db, tenant.id, 'two_step.enabled')).map((e) => e.details)).toEqual([{ signedOutSessions: 2 }]);
    // Whoever was signed in elsewhere now needs the code too.
    const again = await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(again.data?.signIn).toEqual({ twoStepRequired: true, viewer: null });
  });
});

describe('signing in with two steps', () => {
  async function enrolledUser() {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const twoStep = await enrollTwoStep(await signedInClient(server, user));
    await server.db.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);
    return { tenant, user, twoStep };
  }

  it('asks for the code after the password; the pending sign-in is no session; the code replaces it with a new one', async () => {
    const { user, twoStep } = await enrolledUser();
    const client = new GraphQLClient(server.url);

    const first = await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(first.data).toEqual({ signIn: { twoStepRequired: true, viewer: null } });
    const pendingCookie = client.cookie;
    expect(pendingCookie).toBeDefined();
    expect((await client.request(VIEWER_ID)).data).toEqual({ viewer: null });
    expect(GraphQLClient.code(await client.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } }))).toBe('UNAUTHENTICATED');
    expect(await sessionRows(user)).toEqual([expect.objectContaining({ methods: ['password'], pending: true })]);

    expect(GraphQLClient.code(await client.request(COMPLETE, { code: '000000' }))).toBe('UNAUTHENTICATED');
    await forgetLastCode(server.db, user.id);
    const second = await client.request(COMPLETE, { code: totpCode(twoStep.secret) });
    expect(second.data).toEqual({ completeSignIn: { twoStepRequired: false, viewer: { id: user.id } } });
    expect(client.cookie).toBeDefined();
    expect(client.cookie).not.toBe(pendingCookie);
    expect((await client.request(VIEWER_ID)).data).toEqual({ viewer: { id: user.id } });
    expect(await sessionRows(user)).toEqual([expect.objectContaining({ methods: ['password', 'totp'], pending: false })]);

    // The pending sign-in's token is worth nothing now.
    const replayed = new GraphQLClient(server.url);
    replayed.cookie = pendingCookie;
    expect((await replayed.request(VIEWER_ID)).data).toEqual({ viewer: null });
    expect(GraphQLClient.code(await replayed.request(COMPLETE, { code: totpCode(twoStep.secret, 1) }))).toBe('UNAUTHENTICATED');
  });

  it('accepts the codes of the previous and the next 30 seconds, each once; not those further away', async () => {
    const { user, twoStep } = await enrolledUser();
    const attempt = async (code: string) => {
      const client = new GraphQLClient(server.url);
      await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
      return client.request(COMPLETE, { code });
    };
    await forgetLastCode(server.db, user.id);
    // Seven sign-ins that each name a step relative to now: all in one step.
    await awayFromStepEnd();
    expect(GraphQLClient.code(await attempt(totpCode(twoStep.secret, -3)))).toBe('UNAUTHENTICATED');
    expect(GraphQLClient.code(await attempt(totpCode(twoStep.secret, 3)))).toBe('UNAUTHENTICATED');
    expect((await attempt(totpCode(twoStep.secret, -1))).errors).toBeUndefined();
    // Replay: the same code, and any code of an earlier step, is refused.
    expect(GraphQLClient.code(await attempt(totpCode(twoStep.secret, -1)))).toBe('UNAUTHENTICATED');
    expect((await attempt(totpCode(twoStep.secret, 0))).errors).toBeUndefined();
    expect(GraphQLClient.code(await attempt(totpCode(twoStep.secret, 0)))).toBe('UNAUTHENTICATED');
    expect(GraphQLClient.code(await attempt(totpCode(twoStep.secret, -1)))).toBe('UNAUTHENTICATED');
  });

  it('lets exactly one of two requests racing with the same code in', async () => {
    const { user, twoStep } = await enrolledUser();
    await forgetLastCode(server.db, user.id);
    const clients = [new GraphQLClient(server.url), new GraphQLClient(server.url)];
    for (const client of clients) await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    const code = totpCode(twoStep.secret);
    const results = await Promise.all(clients.map((client) => client.request(COMPLETE, { code })));
    expect(results.map((r) => GraphQLClient.code(r) ?? 'ok').sort()).toEqual(['UNAUTHENTICATED', 'ok']);
  });

  it('accepts each recovery code once, in any case and with or without dashes, and audits its use', async () => {
    const { tenant, user, twoStep } = await enrolledUser();
    const attempt = async (code: string) => {
      const client = new GraphQLClient(server.url);
      await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
      return { client, result: await client.request(COMPLETE, { code }) };
    };
    const [first, second] = twoStep.recoveryCodes as [string, string];
    const used = await attempt(first.toUpperCase().replace(/-/g, ' '));
    expect(used.result.data?.completeSignIn.viewer).toEqual({ id: user.id });
    expect((await securityInfo(used.client)).twoStep.recoveryCodesLeft).toBe(9);
    expect(await sessionRows(user)).toEqual([expect.objectContaining({ methods: ['password', 'recovery_code'] })]);
    expect(GraphQLClient.code((await attempt(first)).result)).toBe('UNAUTHENTICATED');
    expect((await attempt(second.replace(/-/g, ''))).result.errors).toBeUndefined();

    const audit = await auditRows(server.db, tenant.id, 'two_step.recovery_code_used');
    expect(audit.map((e) => e.details)).toEqual([{ recoveryCodesLeft: 9 }, { recoveryCodesLeft: 8 }]);
    expectNowhere(audit, first.replace(/-/g, ''));
  });

  it('refuses a pending sign-in after 5 minutes, and a code for a user disabled meanwhile', async () => {
    const { user, twoStep } = await enrolledUser();
    const client = new GraphQLClient(server.url);
    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    await server.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    await forgetLastCode(server.db, user.id);
    const expired = await client.request(COMPLETE, { code: totpCode(twoStep.secret) });
    expect(GraphQLClient.code(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors?.[0]?.message).toMatch(/expired/);

    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.id]);
    expect(GraphQLClient.code(await client.request(COMPLETE, { code: totpCode(twoStep.secret) }))).toBe('UNAUTHENTICATED');
    expect((await client.request(VIEWER_ID)).data).toEqual({ viewer: null });
  });

  it('ends a pending sign-in after 5 wrong codes: the password is needed again', async () => {
    const { user, twoStep } = await enrolledUser();
    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = documentationIp();
    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    for (let i = 0; i < 4; i++) expect((await client.request(COMPLETE, { code: '000000' })).errors?.[0]?.message).toMatch(/not right/);
    const fifth = await client.request(COMPLETE, { code: '000000' });
    expect(GraphQLClient.code(fifth)).toBe('UNAUTHENTICATED');
    expect(fifth.errors?.[0]?.message).toMatch(/Sign in again/);
    expect(await sessionRows(user)).toEqual([]);
    await forgetLastCode(server.db, user.id);
    expect((await client.request(COMPLETE, { code: totpCode(twoStep.secret) })).errors?.[0]?.message).toMatch(/expired/);

    // A new sign-in with the password goes on, with the code.
    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect((await client.request(COMPLETE, { code: totpCode(twoStep.secret) })).errors).toBeUndefined();
  });

  it('locks code entry after 10 wrong codes in a row, however often the password is entered again and from wherever', async () => {
    const { tenant, user, twoStep } = await enrolledUser();
    const client = new GraphQLClient(server.url);
    // The attacker knows the password and signs in again after every wrong code, each time from another address.
    for (let i = 0; i < 10; i++) {
      client.headers['x-forwarded-for'] = documentationIp();
      expect((await client.request(SignInDocument, { input: { email: user.email, password: user.password } })).errors).toBeUndefined();
      expect(GraphQLClient.code(await client.request(COMPLETE, { code: String(100000 + i) }))).toBe('UNAUTHENTICATED');
    }
    client.headers['x-forwarded-for'] = documentationIp();
    await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
    await forgetLastCode(server.db, user.id);
    const locked = await client.request(COMPLETE, { code: totpCode(twoStep.secret) });
    expect(GraphQLClient.code(locked)).toBe('RATE_LIMITED');
    expect(locked.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(locked.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect((await client.request(VIEWER_ID)).data).toEqual({ viewer: null });
    // Admins see it, as for any user block.
    const blocked = await auditRows(server.db, tenant.id, 'user.sign_in_blocked');
    expect(blocked.map((e) => e.details)).toEqual([{ method: 'TWO_STEP_CODE', blockedForSeconds: 900 }]);

    // Once the lock is over, the right code signs in, and the count starts again.
    await server.db.query(`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second' WHERE key = $1`, [
      `two-step:user:${user.id}`,
    ]);
    expect((await client.request(COMPLETE, { code: totpCode(twoStep.secret) })).errors).toBeUndefined();
  });
});

describe('console sign-in throttling', () => {
  it('after 10 failures for a name from one address, refuses even the right password there with RATE_LIMITED, not elsewhere', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const ip = documentationIp();
    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = ip;
    for (let i = 0; i < 10; i++) {
      const wrong = await client.request(SignInDocument, { input: { email: user.email, password: `wrong-${i}-password` } });
      expect(GraphQLClient.code(wrong)).toBe('UNAUTHENTICATED');
    }
    const blocked = await client.request(SignInDocument, { input: { email: user.email.toUpperCase(), password: user.password } });
    expect(GraphQLClient.code(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(blocked.headers.get('set-cookie')).toBeNull();

    const elsewhere = new GraphQLClient(server.url);
    elsewhere.headers['x-forwarded-for'] = documentationIp();
    expect((await elsewhere.request(SignInDocument, { input: { email: user.email, password: user.password } })).errors).toBeUndefined();
    // Kept apart from app passwords: the user's app passwords from that address are not blocked.
    const appPassword = await createAppPassword(server, user);
    expect((await checkBasic(server, basic(user.email, appPassword.password), { ip })).status).toBe(204);
  });

  it('counts aliased signIns as attempts, and the first failure ends the document: aliases buy no extra guesses', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = new GraphQLClient(server.url);
    client.headers['x-forwarded-for'] = documentationIp();
    const guesses = (round: number) =>
      Array.from(
        // The most aliases a document may have (graphql-armor refuses more before anything runs).
        { length: 10 },
        (_, i) => `a${i}: signIn(input: { email: ${JSON.stringify(user.email)}, password: "guess-${round}-${i}" }) { twoStepRequired }`,
      ).join('\n');
    for (let round = 0; round < 10; round++) {
      const result = await client.request(`mutation { ${guesses(round)} }`);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    // Ten documents of ten guesses were ten attempts, and the limit is reached.
    const blocked = await client.request(
      `mutation { first: signIn(input: { email: ${JSON.stringify(user.email)}, password: ${JSON.stringify(user.password)} }) { twoStepRequired } }`,
    );
    expect(GraphQLClient.code(blocked)).toBe('RATE_LIMITED');
  });
});

describe('app passwords need two-step verification where the tenant says so', () => {
  it('offers and creates app passwords only once an authenticator app is set up', async () => {
    const { tenant, console } = await userOfStrictTenant();
    const refused = await console.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } });
    expect(GraphQLClient.code(refused)).toBe('TWO_STEP_REQUIRED');
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE tenant_id = $1', [tenant.id]);
    expect(count).toBe(0);

    await enrollTwoStep(console);
    expect((await securityInfo(console)).availableMethods).toEqual(['APP_PASSWORD']);
    expect((await console.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } })).errors).toBeUndefined();
  });

  it('in a tenant that does not require it, offers both and creates app passwords without two-step verification', async () => {
    const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: false });
    const console = await signedInClient(server, await createUser(server.db, tenant));
    expect(await securityInfo(console)).toMatchObject({
      availableMethods: ['AUTHENTICATOR_APP', 'APP_PASSWORD'],
      appPasswordsRequireTwoStep: false,
    });
    expect((await console.request(CreateAppPasswordDocument, { input: { name: 'Printer' } })).errors).toBeUndefined();
  });
});

describe('removing two-step verification', () => {
  it('is refused while app passwords depend on it, unless they go with it; then they stop working at once', async () => {
    const { tenant, user, console } = await userOfStrictTenant();
    await enrollTwoStep(console);
    const created = await console.request(CreateAppPasswordDocument, { input: { name: 'Thunderbird' } });
    const password: string = created.data!.createAppPassword.password;
    expect((await checkBasic(server, basic(user.email, password))).status).toBe(204);

    const refused = await console.request(RemoveTwoStepVerificationDocument, { input: { deleteAppPasswords: false } });
    expect(GraphQLClient.code(refused)).toBe('TWO_STEP_NEEDED_BY_APP_PASSWORDS');
    expect(refused.errors?.[0]?.extensions?.appPasswords).toBe(1);
    expect((await securityInfo(console)).twoStep.enabled).toBe(true);
    expect((await checkBasic(server, basic(user.email, password))).status).toBe(204);

    const removed = await console.request(RemoveTwoStepVerificationDocument, { input: { deleteAppPasswords: true } });
    expect(removed.data).toEqual({ removeTwoStepVerification: { deletedAppPasswords: 1 } });
    expect(await securityInfo(console)).toMatchObject({ appPasswordCount: 0, twoStep: { enabled: false, recoveryCodesLeft: 0 } });
    expect((await checkBasic(server, basic(user.email, password))).status).toBe(401);
    expect((await auditRows(server.db, tenant.id, 'two_step.removed')).map((e) => e.details)).toEqual([{ deletedAppPasswords: 1 }]);
    expect(await auditRows(server.db, tenant.id, 'app_password.deleted')).toHaveLength(1);

    // Signing in takes the password alone again.
    const again = await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password: user.password } });
    expect(again.data?.signIn.twoStepRequired).toBe(false);
  });

  it('keeps app passwords where the tenant does not require two-step verification', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    await enrollTwoStep(console);
    expect((await console.request(CreateAppPasswordDocument, { input: { name: 'Scanner' } })).errors).toBeUndefined();
    expect((await console.request(RemoveTwoStepVerificationDocument, {})).data).toEqual({
      removeTwoStepVerification: { deletedAppPasswords: 0 },
    });
    expect((await securityInfo(console)).appPasswordCount).toBe(1);
  });
});

describe('a recent sign-in for sensitive changes', () => {
  it('asks for the password again after 10 minutes before creating app passwords, new recovery codes or removing two-step', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const twoStep = await enrollTwoStep(await signedInClient(server, user));
    const console = await signedInWithTwoStep(server, user, twoStep);
    await ageSignIn(user);

    for (const send of [
      () => console.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } }),
      () => console.request(RegenerateRecoveryCodesDocument, {}),
      () => console.request(RemoveTwoStepVerificationDocument, {}),
    ]) {
      expect(GraphQLClient.code(await send())).toBe('REAUTHENTICATION_REQUIRED');
    }
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE tenant_id = $1', [tenant.id]);
    expect(count).toBe(0);
    expect((await securityInfo(console)).twoStep).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    expect(GraphQLClient.code(await console.request(ReauthenticateDocument, { input: { password: 'not-my-password' } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(GraphQLClient.code(await console.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } }))).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
    const confirmed = await console.request(ReauthenticateDocument, { input: { password: user.password } });
    expect(new Date(confirmed.data!.reauthenticate.authenticatedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await console.request(CreateAppPasswordDocument, { input: { name: 'Outlook' } })).errors).toBeUndefined();

    // New recovery codes: the old ones stop working, the new ones work.
    const regenerated: string[] = (await console.request(RegenerateRecoveryCodesDocument)).data!.regenerateRecoveryCodes.recoveryCodes;
    expect(regenerated).toHaveLength(10);
    expect(regenerated).not.toContain(twoStep.recoveryCodes[0]);
    const attempt = async (code: string) => {
      const client = new GraphQLClient(server.url);
      await client.request(SignInDocument, { input: { email: user.email, password: user.password } });
      return GraphQLClient.code(await client.request(COMPLETE, { code })) ?? 'ok';
    };
    expect(await attempt(twoStep.recoveryCodes[0]!)).toBe('UNAUTHENTICATED');
    expect(await attempt(regenerated[0]!)).toBe('ok');
    expect(await auditRows(server.db, tenant.id, 'two_step.recovery_codes_regenerated')).toHaveLength(1);
  });
});
