import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInEntriesDocument, SsoFailure, ViewerSignInsDocument } from '@app-passwords/schema';
import { dataOf, getWith } from '../support/admin.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startOidcProvider, type RunningOidcProvider, type TestAccount } from '../support/oidc-provider.js';
import {
  account,
  callback,
  consoleOf,
  CLIENT_ID,
  clientSecret,
  FormBrowser,
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
 * Sign-ins through the identity provider in the sign-in log, where password
 * sign-ins are: the admin's list and export, the user's recent sign-ins. Against
 * the real OpenID Provider, through its own login page.
 */
let server: TestServer;
let provider: RunningOidcProvider;
const secret = clientSecret();
const domain = ssoDomain();
const people = {
  alice: account(`alice@${domain}`),
  disabled: account(`disabled@${domain}`),
  unverified: account(`unverified@${domain}`, { emailVerified: false }),
  stranger: account(`stranger@${domain}`),
};
let a: SsoTenant;
let other: SsoTenant;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  provider = await startOidcProvider({
    clients: [{ clientId: CLIENT_ID, clientSecret: secret, redirectUris: [`${server.url}/auth/oidc/callback`] }],
    accounts: Object.values(people),
  });
  a = await ssoTenant(server, provider, secret, { domain });
  other = await ssoTenant(server, provider, secret);
  for (const local of ['alice', 'disabled', 'unverified']) ids[local] = (await userAt(server, a.tenant, local, domain)).id;
  await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [ids.disabled]);
}, 60_000);

afterAll(async () => {
  await provider?.stop();
  await server?.close();
});

const signIn = (who: TestAccount, browser?: FormBrowser) => signInThroughProvider(server, who, browser);

/** Confirming who you are at the provider; `nonce` replaces the one this server asked for. */
async function reauthenticate(browser: FormBrowser, who: { login: string; password: string }, nonce?: string) {
  const started = await browser.request(`${server.url}/auth/oidc/start?reauthenticate=1&next=/security-info`);
  const authorize = new URL(started.headers.get('location')!);
  if (nonce) authorize.searchParams.set('nonce', nonce);
  return callback(browser, await throughProvider(browser, server, authorize.href, who as never));
}

type Entry = { signInName: string; method: string; outcome: string };
async function logged(console: GraphQLClient, filter: Record<string, unknown>): Promise<string[][]> {
  await server.app.services.signInLog.flush();
  const { signInEntries } = dataOf(await console.request(SignInEntriesDocument, { filter, first: 100 }));
  return signInEntries.edges.map(({ node }: { node: Entry }) => [node.signInName, node.outcome]).reverse();
}

describe('single sign-on in the sign-in log', () => {
  it('records a sign-in and each refusal that names someone, for the admin, in the export and for the user', async () => {
    const alice = await signIn(people.alice);
    expect(alice.end.error).toBeNull();
    expect((await signIn(people.stranger)).end.error).toBe(SsoFailure.UNKNOWN_USER);
    expect((await signIn(people.disabled)).end.error).toBe(SsoFailure.USER_DISABLED);
    expect((await signIn(people.unverified)).end.error).toBe(SsoFailure.EMAIL_UNVERIFIED);
    // An answer with a forged state names nobody yet: the provider's answer is never opened.
    const browser = new FormBrowser();
    const back = await throughProvider(browser, server, startUrl(server, people.alice.login), people.alice);
    back.searchParams.set('state', 'not-the-state');
    expect((await callback(browser, back)).error).toBe(SsoFailure.STATE_MISMATCH);

    expect(await logged(a.console, { method: 'SINGLE_SIGN_ON' })).toEqual([
      [people.alice.email, 'SUCCESS'],
      [people.stranger.email, 'UNKNOWN_USER'],
      [people.disabled.email, 'USER_DISABLED'],
      [people.unverified.email, 'EMAIL_UNVERIFIED'],
    ]);
    // Each under its user, where there is one (the unverified name is the one the provider claimed).
    expect(await logged(a.console, { userId: ids.disabled })).toEqual([[people.disabled.email, 'USER_DISABLED']]);
    expect(await logged(a.console, { userId: ids.unverified })).toEqual([[people.unverified.email, 'EMAIL_UNVERIFIED']]);
    expect(await logged(a.console, { outcome: 'UNKNOWN_USER', method: 'SINGLE_SIGN_ON' })).toEqual([
      [people.stranger.email, 'UNKNOWN_USER'],
    ]);
    // Another tenant's admin sees none of it.
    expect(await logged(other.console, { method: 'SINGLE_SIGN_ON' })).toEqual([]);

    const csv = await (await getWith(server, '/export/sign-ins.csv?method=SINGLE_SIGN_ON', { cookie: a.console.cookie })).text();
    const rows = csv.trim().split('\n').slice(1);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/,"?SINGLE_SIGN_ON"?,/);
    expect(rows.join('\n')).toContain('EMAIL_UNVERIFIED');

    const own = dataOf(await consoleOf(server, alice.browser).request(ViewerSignInsDocument, { first: 10 })).viewer!.signIns.edges;
    expect(own.map(({ node }) => [node.method, node.outcome])).toEqual([['SINGLE_SIGN_ON', 'SUCCESS']]);
  });

  it('records confirming who you are: done, an answer that fails a check, another account at the provider', async () => {
    const { browser } = await signIn(people.alice);
    await server.app.services.signInLog.flush();
    const before = (await logged(a.console, { userId: ids.alice })).length;
    expect((await reauthenticate(browser, people.alice, 'a-nonce-of-another-sign-in')).error).toBe(SsoFailure.NONCE_MISMATCH);
    expect((await reauthenticate(browser, people.stranger)).error).toBe(SsoFailure.WRONG_ACCOUNT);
    expect((await reauthenticate(browser, people.alice)).error).toBeNull();
    expect((await logged(a.console, { userId: ids.alice })).slice(before)).toEqual([
      [people.alice.email, 'INVALID_PROVIDER_ANSWER'],
      [people.alice.email, 'WRONG_ACCOUNT'],
      [people.alice.email, 'SUCCESS'],
    ]);
  });
});
