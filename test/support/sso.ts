import { randomBytes } from 'node:crypto';
import { dataOf } from './admin.js';
import { createAdmin, createTenant, createUser, signedInClient, type TestTenant, type TestUser } from './factories.js';
import { GraphQLClient } from './graphql-client.js';
import type { RunningOidcProvider, TestAccount } from './oidc-provider.js';
import { recordCookies, recordSecret } from './secrets.js';
import type { TestServer } from './test-server.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { ConfigureIdentityProviderDocument } from '@app-passwords/schema';

/** The client this server is registered as at the test provider, and the provider's second client. */
export const CLIENT_ID = 'app-passwords-console';
export const SECOND_CLIENT_ID = 'second-client';

/** A client secret for the test provider, recorded so the end of the run fails if it reaches a log. */
export function clientSecret(): string {
  const secret = `client-secret-${randomBytes(16).toString('hex')}`;
  recordSecret(secret);
  return secret;
}

/** A test account at the provider for `email` (a password only the provider knows, recorded as a secret). */
export function account(email: string, more: Partial<TestAccount> = {}): TestAccount {
  const password = `idp-${randomBytes(12).toString('hex')}`;
  recordSecret(password);
  return { login: email, password, email, emailVerified: true, ...more };
}

/** A domain of its own per tenant: sign-in options are answered by domain. */
export function ssoDomain(): string {
  return `${randomBytes(5).toString('hex')}.sso.test`;
}

/** A factory user with a sign-in name in `domain`. */
export async function userAt(server: TestServer, tenant: TestTenant, local: string, domain: string, role = Role.USER): Promise<TestUser> {
  const user = await createUser(server.db, tenant, { role });
  const email = `${local}@${domain}`;
  await server.db.query('UPDATE users SET email = $2 WHERE id = $1', [user.id, email]);
  return { ...user, email };
}

export interface SsoTenant {
  tenant: TestTenant;
  domain: string;
  admin: TestUser;
  console: GraphQLClient;
}

/** A tenant of its own domain whose admin (with two-step verification) configured the provider. */
export async function ssoTenant(
  server: TestServer,
  provider: RunningOidcProvider,
  secret: string,
  options: {
    domain?: string;
    userCreation?: 'ONLY_PROVISIONED' | 'CREATE_ON_FIRST_SIGN_IN';
    acceptedAcrValues?: string[];
    clientId?: string;
  } = {},
): Promise<SsoTenant> {
  const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: true });
  const domain = options.domain ?? ssoDomain();
  const created = await createAdmin(server, tenant);
  const email = `admin@${domain}`;
  await server.db.query('UPDATE users SET email = $2 WHERE id = $1', [created.id, email]);
  const admin = { ...created, email };
  const console = await signedInClient(server, admin);
  dataOf(
    await console.request(ConfigureIdentityProviderDocument, {
      input: {
        issuer: provider.issuer,
        clientId: options.clientId ?? CLIENT_ID,
        clientSecret: secret,
        displayName: 'Test IdP',
        userCreation: options.userCreation ?? 'ONLY_PROVISIONED',
        acceptedAcrValues: options.acceptedAcrValues ?? [],
      },
    }),
  );
  return { tenant, domain, admin, console };
}

/**
 * A browser without JavaScript: one cookie jar per host (ports share cookies,
 * as in browsers), redirects followed one by one so a test can stop at any.
 */
export class FormBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    return [...(this.jars.get(new URL(url).hostname) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string | undefined): void {
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    if (value === undefined) jar.delete(name);
    else jar.set(name, value);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(url),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    const host = new URL(url).hostname;
    for (const line of response.headers.getSetCookie()) {
      recordCookies(line);
      const [pair, ...attributes] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('=')).trim();
      const value = pair!.slice(pair!.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      this.setCookie(host, name, expired || value === '' ? undefined : value);
    }
    return response;
  }

  /** Follows redirects from `url` until one leads to a URL `stop` accepts (not requested), or a page that is not a redirect. */
  async follow(url: string, stop: (next: URL) => boolean = () => false): Promise<{ url: string; response?: Response }> {
    let current = url;
    let form: Record<string, string> | undefined;
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.request(current, form ? { method: 'POST', form } : {});
      form = undefined;
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400) {
        // A page that submits its form as soon as it loads (the provider ending its previous account's session): submit it.
        const page = response.headers.get('content-type')?.includes('html') ? await response.clone().text() : '';
        const action = page.includes('document.forms[0].submit()') ? /<form method="post" action="([^"]+)"/.exec(page)?.[1] : undefined;
        if (!action) return { url: current, response };
        form = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
        current = new URL(action, current).href;
        continue;
      }
      const next = new URL(location, current);
      if (stop(next)) return { url: next.href };
      current = next.href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/**
 * Signs in at the provider's own login page: from `startUrl` (our
 * /auth/oidc/start) through the provider, up to the redirect back to our
 * callback, which is returned without being requested.
 */
export async function throughProvider(browser: FormBrowser, server: TestServer, startUrl: string, who: TestAccount): Promise<URL> {
  const isCallback = (u: URL) => u.href.startsWith(`${server.url}/auth/oidc/callback`);
  const atLogin = await browser.follow(startUrl, isCallback);
  if (atLogin.url.startsWith(`${server.url}/auth/oidc/callback`)) return new URL(atLogin.url); // the provider remembered the user
  const page = await atLogin.response!.text();
  const action = /action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no login form at ${atLogin.url}: ${page.slice(0, 300)}`);
  const posted = await browser.request(new URL(action, atLogin.url).href, {
    method: 'POST',
    form: { login: who.login, password: who.password },
  });
  const location = posted.headers.get('location');
  if (!location) throw new Error(`the provider did not accept the login: ${(await posted.text()).slice(0, 300)}`);
  const back = await browser.follow(new URL(location, atLogin.url).href, isCallback);
  const callback = new URL(back.url);
  recordSecret(callback.searchParams.get('code'));
  return callback;
}

/** Where our callback sent the browser: the console path and its `sso_error`, if any. */
export async function callback(browser: FormBrowser, url: URL): Promise<{ status: number; location: string; error: string | null }> {
  const response = await browser.request(url.href);
  const location = response.headers.get('location') ?? '';
  return { status: response.status, location, error: new URL(location, url).searchParams.get('sso_error') };
}

/** The start of a sign-in for `email`, as the console's sign-in page sends the browser. */
export function startUrl(server: TestServer, email: string): string {
  return `${server.url}/auth/oidc/start?${new URLSearchParams({ login_hint: email })}`;
}

/** A whole sign-in of `who` through the provider, from the console's start to where our callback sends the browser. */
export async function signInThroughProvider(server: TestServer, who: TestAccount, browser = new FormBrowser()) {
  const back = await throughProvider(browser, server, startUrl(server, who.login), who);
  return { browser, back, end: await callback(browser, back) };
}

/** The browser's console session, as a GraphQL client (no cookie when it has no session). */
export function consoleOf(server: TestServer, browser: FormBrowser): GraphQLClient {
  const client = new GraphQLClient(server.url);
  const cookie = browser.cookie('127.0.0.1', 'ap_session');
  client.cookie = cookie ? `ap_session=${cookie}` : undefined;
  return client;
}
