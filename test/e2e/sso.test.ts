import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { createAdmin, createTenant } from '../support/factories.js';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.js';
import { account, CLIENT_ID, clientSecret, ssoDomain, userAt } from '../support/sso.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';

const { server, openPage, signedInPage } = consoleInBrowser();
let provider: RunningOidcProvider;
const secret = clientSecret();
const domain = ssoDomain();
const worker = account(`worker@${domain}`, { amr: ['pwd', 'otp'], name: 'Wendy Worker' });

beforeAll(async () => {
  provider = await startOidcProvider({
    clients: [{ clientId: CLIENT_ID, clientSecret: secret, redirectUris: [`${server.url}/auth/oidc/callback`] }],
    accounts: [worker],
  });
}, 60_000);
afterAll(() => provider?.stop());

/** On the provider's own login page (another origin): its user name and password. */
async function signInAtProvider(page: Page) {
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
  await page.getByLabel('User name').fill(worker.login);
  await page.getByLabel('Password').fill(worker.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('single sign-on in the console', () => {
  it('an admin sets up the provider; a user signs in through it and confirms it is them there before creating an app password', async () => {
    const tenant = await createTenant(server.db);
    const created = await createAdmin(server, tenant);
    const admin = { ...created, email: `admin@${domain}` };
    await server.db.query('UPDATE users SET email = $2 WHERE id = $1', [admin.id, admin.email]);
    await userAt(server, tenant, 'worker', domain, Role.USER);

    // The admin's page: the redirect URI to register, then the provider's settings, checked when saved.
    const adminPage = await signedInPage(admin);
    await adminPage.goto('/admin/single-sign-on');
    await poll(() => adminPage.locator('[data-test="redirect-uri"]').textContent()).toBe(`${server.url}/auth/oidc/callback`);
    await adminPage.getByLabel('Issuer URL').fill(provider.issuer);
    await adminPage.getByLabel('Client ID').fill(CLIENT_ID);
    await adminPage.getByLabel('Client secret').fill(secret);
    await adminPage.getByLabel('Button name').fill('Test IdP');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await poll(() => adminPage.getByText('Single sign-on saved.').isVisible()).toBe(true);
    await poll(() => adminPage.locator('[data-test="break-glass-admins"]').textContent()).toContain(admin.email);
    await snapshot(adminPage, 'admin-single-sign-on');
    await expectAccessible(adminPage);

    // The user types their sign-in name; the page offers the provider, whose own login page signs them in.
    const page = await openPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(worker.email);
    const button = page.getByRole('link', { name: 'Sign in with Test IdP' });
    await poll(() => button.isVisible()).toBe(true);
    await snapshot(page, 'sign-in-single-sign-on');
    await expectAccessible(page);
    await button.click();
    await signInAtProvider(page);
    await page.waitForURL((url) => url.origin === server.url && url.pathname === '/security-info');
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);

    // Twenty minutes later: creating an app password asks to confirm it's you, at the provider.
    await server.db.query(
      `UPDATE sessions SET authenticated_at = now() - interval '20 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [worker.email],
    );
    const addAppPassword = async () => {
      await page.getByRole('button', { name: 'Add sign-in method' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog.getByLabel('Name').fill('Mail on my phone');
      await dialog.getByRole('button', { name: 'Next' }).click();
      return dialog;
    };
    let dialog = await addAppPassword();
    const confirm = dialog.getByRole('link', { name: "Confirm it's you" });
    await poll(() => confirm.isVisible()).toBe(true);
    await snapshot(page, 'sso-confirm-it-is-you');
    await expectAccessible(page);
    await confirm.click();
    await signInAtProvider(page); // prompt=login: the provider asks again even though it remembers the user
    await page.waitForURL((url) => url.origin === server.url && url.pathname === '/security-info');
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);

    dialog = await addAppPassword();
    const shown = dialog.locator('[data-test="password"]');
    await shown.waitFor();
    expect((await shown.textContent())!.trim()).toMatch(/^([a-z]{4} ){6}[a-z]{4}$/);
  });

  it('shows why a sign-in through the provider failed, in Dutch too', async () => {
    const page = await openPage('nl-NL');
    await page.goto('/sign-in?sso_error=unknown_user');
    await poll(() => page.locator('[data-test="sso-error"]').textContent()).toBe(
      'U hebt hier nog geen account. Vraag uw beheerder u toe te voegen.',
    );
    await expectAccessible(page);
  });
});
