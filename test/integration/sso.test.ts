import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigureIdentityProviderDocument,
  CreateAppPasswordDocument,
  ReauthenticateDocument,
  RemoveIdentityProviderDocument,
  SignInDocument,
  SignInOptionsDocument,
  SingleSignOnDocument,
  SsoFailure,
  UpdateTenantPolicyDocument,
  ViewerDocument,
} from '@app-passwords/schema';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { auditRows, dataOf } from '../support/admin.js';
import { createAdmin, createTenant, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startOidcProvider, type RunningOidcProvider, type TestAccount } from '../support/oidc-provider.js';
import {
  account,
  callback,
  consoleOf,
  CLIENT_ID,
  clientSecret,
  FormBrowser,
  SECOND_CLIENT_ID,
  ssoDomain,
  signInThroughProvider,
  ssoTenant,
  startUrl,
  throughProvider,
  userAt,
  type SsoTenant,
} from '../support/sso.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Console sign-in through a real OpenID Provider (oidc-provider in a process
 * of its own, support/oidc-provider-process.ts), driven over HTTP by a
 * browser without JavaScript that signs in on the provider's own login page.
 */
let server: TestServer;
let provider: RunningOidcProvider;
const secret = clientSecret();
const domainA = ssoDomain();
const domainB = ssoDomain();
const people = {
  alice: account(`alice@${domainA}`),
  mfa: account(`mfa@${domainA}`, { amr: ['pwd', 'otp'] }),
  expired: account(`expired@${domainA}`, { idToken: 'expired' }),
  otherAudience: account(`other-audience@${domainA}`, { idToken: 'second-client' }),
  unverified: account(`unverified@${domainA}`, { emailVerified: false }),
  disabled: account(`disabled@${domainA}`),
  stranger: account(`stranger@${domainA}`),
  adminWithMfa: account(`boss@${domainA}`, { amr: ['pwd', 'mfa'] }),
  adminWithGold: account(`gold@${domainA}`, { acr: 'gold' }),
  adminWithPassword: account(`deputy@${domainA}`),
  newcomer: account(`newcomer@${domainB}`, { name: 'Nieuwe Collega' }),
};
let a: SsoTenant;
let b: SsoTenant;

const addAppPassword = (console: GraphQLClient) => console.request(CreateAppPasswordDocument, { input: { name: 'Mail on my phone' } });

const signIn = (who: TestAccount, browser?: FormBrowser) => signInThroughProvider(server, who, browser);

/** Makes the session's sign-in older than the 10 minutes that count as recent. */
async function ageSession(browser: FormBrowser): Promise<GraphQLClient> {
  const token = browser.cookie('127.0.0.1', 'ap_session')!;
  await server.db.query(`UPDATE sessions SET authenticated_at = now() - interval '20 minutes' WHERE token_hash = sha256($1::bytea)`, [
    Buffer.from(token),
  ]);
  return consoleOf(server, browser);
}

beforeAll(async () => {
  server = await startTestServer();
  const redirectUris = [`${server.url}/auth/oidc/callback`];
  provider = await startOidcProvider({
    clients: [
      { clientId: CLIENT_ID, clientSecret: secret, redirectUris },
      { clientId: SECOND_CLIENT_ID, clientSecret: clientSecret(), redirectUris },
    ],
    accounts: Object.values(people),
  });
  a = await ssoTenant(server, provider, secret, { domain: domainA });
  // Saved again: an accepted acr, the secret left out (kept).
  dataOf(
    await a.console.request(ConfigureIdentityProviderDocument, {
      input: { issuer: provider.issuer, clientId: CLIENT_ID, displayName: 'Test IdP', acceptedAcrValues: ['gold'] },
    }),
  );
  b = await ssoTenant(server, provider, secret, { domain: domainB, userCreation: 'CREATE_ON_FIRST_SIGN_IN' });
  for (const local of ['alice', 'mfa', 'expired', 'other-audience', 'unverified']) await userAt(server, a.tenant, local, domainA);
  for (const local of ['boss', 'gold', 'deputy']) await userAt(server, a.tenant, local, domainA, Role.TENANT_ADMIN);
  const disabled = await userAt(server, a.tenant, 'disabled', domainA);
  await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [disabled.id]);
}, 60_000);

afterAll(async () => {
  await provider?.stop();
  await server?.close();
});

describe('signing in through the provider', () => {
  it('opens a console session for a provisioned user, after the provider’s own login page', async () => {
    const { browser, end } = await signIn(people.alice);
    expect(end).toMatchObject({ status: 302, location: '/security-info', error: null });
    const viewer = dataOf(await consoleOf(server, browser).request(ViewerDocument)).viewer;
    expect(viewer).toMatchObject({ email: people.alice.email, role: 'USER', signedInThroughProvider: true });
    const [user] = await server.db.query('SELECT last_sign_in_at FROM users WHERE email = $1', [people.alice.email]);
    expect(user.last_sign_in_at).toBeInstanceOf(Date);
  });

  it('counts amr mfa/otp or an accepted acr as two-step verification, for app passwords and admin work', async () => {
    // Tenant A lets only users with two-step verification create app passwords.
    const withOtp = consoleOf(server, (await signIn(people.mfa)).browser);
    expect(GraphQLClient.code(await addAppPassword(withOtp))).toBeUndefined();
    const passwordOnly = consoleOf(server, (await signIn(people.alice)).browser);
    expect(GraphQLClient.code(await addAppPassword(passwordOnly))).toBe('TWO_STEP_REQUIRED');

    for (const [who, required] of [
      [people.adminWithMfa, false],
      [people.adminWithGold, false],
      [people.adminWithPassword, true],
    ] as const) {
      const admin = consoleOf(server, (await signIn(who)).browser);
      const viewer = dataOf(await admin.request(ViewerDocument)).viewer!;
      expect({ who: who.login, required: viewer.twoStepRequiredForAdmin }).toEqual({ who: who.login, required });
      const users = await admin.request(SingleSignOnDocument);
      expect({ who: who.login, code: GraphQLClient.code(users) }).toEqual({
        who: who.login,
        code: required ? 'TWO_STEP_REQUIRED' : undefined,
      });
    }
  });

  it('creates a USER at the first sign-in where the tenant says so', async () => {
    const { browser, end } = await signIn(people.newcomer);
    expect(end).toMatchObject({ location: '/security-info', error: null });
    expect(dataOf(await consoleOf(server, browser).request(ViewerDocument)).viewer).toMatchObject({
      email: people.newcomer.email,
      role: 'USER',
    });
    const [row] = await server.db.query(
      `SELECT display_name, role, tenant_id, source, password_hash IS NULL AS "noPassword", last_sign_in_at IS NOT NULL AS "signedIn"
         FROM users WHERE email = $1`,
      [people.newcomer.email],
    );
    expect(row).toEqual({
      display_name: 'Nieuwe Collega',
      role: 'USER',
      tenant_id: b.tenant.id,
      source: 'sso',
      noPassword: true,
      signedIn: true,
    });
    expect((await auditRows(server.db, b.tenant.id, 'user.created')).length).toBe(1);
  });

  it('answers how a name signs in by its domain, the same for names that exist and names that do not', async () => {
    const options = async (name: string) =>
      dataOf(await new GraphQLClient(server.url).request(SignInOptionsDocument, { signInName: name })).signInOptions;
    const known = await options(people.alice.email);
    expect(known).toEqual({
      singleSignOnUrl: `/auth/oidc/start?login_hint=${encodeURIComponent(people.alice.email)}`,
      providerName: 'Test IdP',
      passwordSignIn: true,
    });
    const unknown = await options(`nobody@${domainA}`);
    expect({ ...unknown, singleSignOnUrl: null }).toEqual({ ...known, singleSignOnUrl: null });
    expect(await options('someone@elsewhere.example')).toEqual({ singleSignOnUrl: null, providerName: null, passwordSignIn: true });
  });
});

describe('every failed callback ends on a console page with a code', () => {
  const cases: Array<[string, keyof typeof people, SsoFailure]> = [
    ['an expired ID token (the provider’s clock two hours behind)', 'expired', SsoFailure.TOKEN_EXPIRED],
    ['an ID token issued to the provider’s other client', 'otherAudience', SsoFailure.WRONG_AUDIENCE],
    ['an e-mail address the provider has not verified', 'unverified', SsoFailure.EMAIL_UNVERIFIED],
    ['a user disabled here', 'disabled', SsoFailure.USER_DISABLED],
    ['someone with no user here, where only provisioned users sign in', 'stranger', SsoFailure.UNKNOWN_USER],
  ];
  for (const [what, who, failure] of cases) {
    it(`refuses ${what}: ${failure}`, async () => {
      const { browser, end } = await signIn(people[who]);
      expect(end).toEqual({ status: 302, location: `/sign-in?sso_error=${failure}`, error: failure });
      expect(browser.cookie('127.0.0.1', 'ap_session')).toBeUndefined();
    });
  }

  it('creates nobody for the stranger', async () => {
    await signIn(people.stranger);
    expect(await server.db.query('SELECT 1 FROM users WHERE email = $1', [people.stranger.email])).toEqual([]);
  });

  it('refuses an answer whose state is not the one this browser started with', async () => {
    const browser = new FormBrowser();
    const back = await throughProvider(browser, server, startUrl(server, people.alice.login), people.alice);
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state');
    expect(await callback(browser, forged)).toMatchObject({ error: SsoFailure.STATE_MISMATCH });
    // Nor the right answer in another browser, which never started it.
    expect(await callback(new FormBrowser(), back)).toMatchObject({ error: SsoFailure.STATE_MISMATCH });
  });

  it('refuses a code used before, even with the sign-in state it came with', async () => {
    const browser = new FormBrowser();
    const back = await throughProvider(browser, server, startUrl(server, people.alice.login), people.alice);
    const state = browser.cookie('127.0.0.1', 'ap_oidc');
    expect((await callback(browser, back)).error).toBeNull();
    expect(browser.cookie('127.0.0.1', 'ap_oidc')).toBeUndefined(); // used once
    browser.setCookie('127.0.0.1', 'ap_oidc', state);
    expect(await callback(browser, back)).toMatchObject({ error: SsoFailure.CODE_REJECTED });
  });

  it('refuses an ID token with another nonce than this sign-in’s', async () => {
    const browser = new FormBrowser();
    const started = await browser.request(startUrl(server, people.alice.login));
    const authorize = new URL(started.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    authorize.searchParams.set('nonce', 'a-nonce-of-another-sign-in');
    const back = await throughProvider(browser, server, authorize.href, people.alice);
    expect(await callback(browser, back)).toMatchObject({ error: SsoFailure.NONCE_MISMATCH });
  });

  it('says so when the provider cannot be reached, at the callback and at the start', async () => {
    const domain = ssoDomain();
    const someone = account(`someone@${domain}`);
    const own = await startOidcProvider({
      clients: [{ clientId: CLIENT_ID, clientSecret: secret, redirectUris: [`${server.url}/auth/oidc/callback`] }],
      accounts: [someone],
    });
    try {
      const c = await ssoTenant(server, own, secret, { domain });
      await userAt(server, c.tenant, 'someone', domain);
      const browser = new FormBrowser();
      const back = await throughProvider(browser, server, startUrl(server, someone.login), someone);
      await own.stop();
      expect(await callback(browser, back)).toEqual({
        status: 302,
        location: `/sign-in?sso_error=${SsoFailure.PROVIDER_UNAVAILABLE}`,
        error: SsoFailure.PROVIDER_UNAVAILABLE,
      });
      const again = await new FormBrowser().request(startUrl(server, someone.login));
      expect(again.headers.get('location')).toBe(`/sign-in?sso_error=${SsoFailure.PROVIDER_UNAVAILABLE}`);
    } finally {
      await own.stop();
    }
  });

  it('answers no 500 and logs each failure’s code, never a token or an authorization code', async () => {
    const failures = server.logs.filter((line) => line.includes('Single sign-on did not complete')).map((line) => JSON.parse(line).failure);
    expect(new Set(failures)).toEqual(
      new Set([
        SsoFailure.TOKEN_EXPIRED,
        SsoFailure.WRONG_AUDIENCE,
        SsoFailure.EMAIL_UNVERIFIED,
        SsoFailure.USER_DISABLED,
        SsoFailure.UNKNOWN_USER,
        SsoFailure.STATE_MISMATCH,
        SsoFailure.CODE_REJECTED,
        SsoFailure.NONCE_MISMATCH,
        SsoFailure.PROVIDER_UNAVAILABLE,
      ]),
    );
    expect(server.logs.filter((line) => /"status":5\d\d/.test(line))).toEqual([]);
    // Codes, tokens and the client secret are recorded secrets: the end of the run scans every log line for them.
  });
});

describe('confirming who you are goes through the provider again', () => {
  it('lets an old sign-in create an app password after a fresh round trip (prompt=login, max_age=0)', async () => {
    const { browser } = await signIn(people.mfa);
    const console = await ageSession(browser);
    expect(GraphQLClient.code(await addAppPassword(console))).toBe('REAUTHENTICATION_REQUIRED');
    // The password is not the way for this session.
    expect(GraphQLClient.code(await console.request(ReauthenticateDocument, { input: { password: 'whatever-it-was' } }))).toBe('FORBIDDEN');

    const next = '/security-info?add=app-password';
    const started = await browser.request(`${server.url}/auth/oidc/start?reauthenticate=1&next=${encodeURIComponent(next)}`);
    const authorize = new URL(started.headers.get('location')!);
    expect({ prompt: authorize.searchParams.get('prompt'), maxAge: authorize.searchParams.get('max_age') }).toEqual({
      prompt: 'login',
      maxAge: '0',
    });
    const back = await throughProvider(browser, server, authorize.href, people.mfa);
    expect(await callback(browser, back)).toMatchObject({ location: next, error: null });
    expect(GraphQLClient.code(await addAppPassword(console))).toBeUndefined();
  });

  it('refuses another account at the provider than the session’s', async () => {
    const { browser } = await signIn(people.mfa);
    await ageSession(browser);
    const started = await browser.request(`${server.url}/auth/oidc/start?reauthenticate=1&next=/security-info`);
    const back = await throughProvider(browser, server, started.headers.get('location')!, people.alice);
    expect(await callback(browser, back)).toMatchObject({ location: `/security-info?sso_error=${SsoFailure.WRONG_ACCOUNT}` });
    expect(GraphQLClient.code(await addAppPassword(consoleOf(server, browser)))).toBe('REAUTHENTICATION_REQUIRED');
  });
});

describe('configuring the provider', () => {
  it('refuses an issuer that is not the provider’s, or not reachable, naming the field and saving nothing', async () => {
    const tenant = await createTenant(server.db);
    const console = await signedInClient(server, await createAdmin(server, tenant));
    const wrong = [
      provider.issuer.replace('127.0.0.1', 'localhost'), // its document names 127.0.0.1
      `${provider.issuer}/elsewhere`,
      'http://127.0.0.1:9',
    ];
    for (const issuer of wrong) {
      const result = await console.request(ConfigureIdentityProviderDocument, {
        input: { issuer, clientId: CLIENT_ID, clientSecret: secret, displayName: 'Test IdP' },
      });
      expect({ issuer, code: GraphQLClient.code(result), field: result.errors?.[0]?.extensions?.field }).toEqual({
        issuer,
        code: 'BAD_USER_INPUT',
        field: 'issuer',
      });
      expect(result.body).not.toContain(secret);
    }
    expect(dataOf(await console.request(SingleSignOnDocument)).singleSignOn.identityProvider).toBeNull();
    expect(await auditRows(server.db, tenant.id, 'identity_provider.configured')).toEqual([]);
  });

  it('never shows the client secret: not in answers, not in the audit trail, not in the clear in the database', async () => {
    const answer = await a.console.request(SingleSignOnDocument);
    expect(answer.body).not.toContain(secret);
    expect(dataOf(answer).singleSignOn).toMatchObject({
      redirectUri: `${server.url}/auth/oidc/callback`,
      identityProvider: { issuer: provider.issuer, clientId: CLIENT_ID, acceptedAcrValues: ['gold'], userCreation: 'ONLY_PROVISIONED' },
    });
    const audit = await auditRows(server.db, a.tenant.id, 'identity_provider.configured');
    expect(audit.length).toBe(2);
    expect(JSON.stringify(audit)).not.toContain(secret);
    const [stored] = await server.db.query('SELECT client_secret FROM identity_providers WHERE tenant_id = $1', [a.tenant.id]);
    expect((stored.client_secret as Buffer).includes(Buffer.from(secret))).toBe(false);
  });

  it('cannot switch password sign-in off without single sign-on and a break-glass admin; then only they use the password', async () => {
    const plain = await createTenant(server.db);
    const plainAdmin = await signedInClient(server, await createAdmin(server, plain));
    const off = { input: { passwordSignIn: false } };
    const refused = await plainAdmin.request(UpdateTenantPolicyDocument, off);
    expect([GraphQLClient.code(refused), refused.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'passwordSignIn']);

    const c = await ssoTenant(server, provider, secret, { domain: ssoDomain() });
    const user = await userAt(server, c.tenant, 'worker', c.domain);
    // An admin without two-step verification is no break-glass admin: only the configuring admin is.
    await userAt(server, c.tenant, 'second-admin', c.domain, Role.TENANT_ADMIN);
    const sso = dataOf(await c.console.request(SingleSignOnDocument)).singleSignOn;
    expect(sso.breakGlassAdmins.map((admin) => admin.email)).toEqual([c.admin.email]);
    expect(dataOf(await c.console.request(UpdateTenantPolicyDocument, off)).updateTenantPolicy.policy.passwordSignIn).toBe(false);

    const userTries = await new GraphQLClient(server.url).request(SignInDocument, {
      input: { email: user.email, password: user.password },
    });
    expect(GraphQLClient.code(userTries)).toBe('UNAUTHENTICATED');
    expect(userTries.errors?.[0]?.message).toMatch(/identity provider/);
    await expect(signedInClient(server, c.admin)).resolves.toBeDefined(); // password and code
    const options = await new GraphQLClient(server.url).request(SignInOptionsDocument, { signInName: user.email });
    expect(dataOf(options).signInOptions.passwordSignIn).toBe(false);

    const removal = await c.console.request(RemoveIdentityProviderDocument);
    expect([GraphQLClient.code(removal), removal.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'passwordSignIn']);
  });

  it('removes single sign-on, audited; the provider’s sign-in then ends on not_configured', async () => {
    const c = await ssoTenant(server, provider, secret, { domain: ssoDomain() });
    expect((await new FormBrowser().request(startUrl(server, c.admin.email))).status).toBe(302);
    expect(dataOf(await c.console.request(RemoveIdentityProviderDocument)).removeIdentityProvider.removed).toBe(true);
    expect((await auditRows(server.db, c.tenant.id, 'identity_provider.removed')).length).toBe(1);
    const again = await new FormBrowser().request(startUrl(server, c.admin.email));
    expect(again.headers.get('location')).toBe(`/sign-in?sso_error=${SsoFailure.NOT_CONFIGURED}`);
  });
});
