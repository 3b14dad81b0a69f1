import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createUser, insertAppPasswords, type TestUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { totpCode } from '../support/two-step.js';
import { expectAccessible, launchBrowser, newContext, snapshot, WEB_DIST } from './browser.js';

/** The browser renders on a shared 2-core machine: give UI changes time to appear (expect.poll's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer({ webDistDir: WEB_DIST });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, user: TestUser, labels = { email: 'Email', password: 'Password', submit: 'Sign in' }) {
  await page.goto('/security-info');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel(labels.email).fill(user.email);
  await page.getByLabel(labels.password).fill(user.password);
  await page.getByRole('button', { name: labels.submit }).click();
  await page.waitForURL((url) => url.pathname === '/security-info');
}

async function checkAppPassword(email: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/auth/basic`, {
    headers: { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` },
  });
  return response.status;
}

describe('the security-info page', () => {
  it('a user creates an app password, copies it, an app signs in with it, then the user deletes it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();

    await signIn(page, user);
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);
    await snapshot(page, 'user-security-info-empty');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('Which method would you like to add?').isVisible()).toBe(true);
    await snapshot(page, 'user-add-method-choose');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.getByLabel('Name').fill('Thunderbird on my laptop');
    await dialog.getByRole('button', { name: 'Next' }).click();

    const shown = dialog.locator('[data-test="password"]');
    await shown.waitFor();
    const grouped = (await shown.textContent())!.trim();
    expect(grouped).toMatch(/^([a-z]{4} ){6}[a-z]{4}$/);
    await poll(() => dialog.getByText('It will not be shown again').isVisible()).toBe(true);
    await snapshot(page, 'user-add-method-created');
    await expectAccessible(page);

    await dialog.getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(grouped.replace(/ /g, ''));
    expect(await checkAppPassword(user.email, copied)).toBe(204);
    expect(await checkAppPassword(user.email, grouped)).toBe(204); // as a person would type it

    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => page.getByRole('heading', { name: '1 of 40 app passwords' }).isVisible()).toBe(true);
    const item = page.locator('[data-test="app-password"]');
    await poll(() => item.textContent()).toContain('Thunderbird on my laptop');
    await poll(async () => (await page.reload(), item.textContent())).toContain('from 127.0.0.1');
    await snapshot(page, 'user-security-info-one');

    await page.getByRole('button', { name: 'Delete app password Thunderbird on my laptop' }).click();
    const confirm = page.getByRole('dialog');
    await poll(() => confirm.getByText('This cannot be undone').isVisible()).toBe(true);
    await snapshot(page, 'user-delete-confirm');
    await confirm.getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);
    expect(await item.count()).toBe(0);
    expect(await checkAppPassword(user.email, copied)).toBe(401);
    await context.close();
  });

  it('a user sets up an authenticator app, signs in with password and code, and may then create app passwords', async () => {
    const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: true });
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, user);
    const twoStep = page.locator('[data-test="two-step"]');
    await poll(() => twoStep.textContent()).toContain('Not set up');

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('allows app passwords only with two-step verification').isVisible()).toBe(true);
    expect(await dialog.getByRole('radio').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Add' }).click();
    const qr = dialog.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    expect(await qr.locator('svg').count()).toBe(1);
    await snapshot(page, 'user-two-step-scan');
    await expectAccessible(page);
    const secret = (await dialog.locator('[data-test="totp-secret"]').textContent())!.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await dialog.getByLabel('Code', { exact: true }).fill('000000');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await poll(() => dialog.getByRole('alert').textContent()).toContain('That code is not right');
    await dialog.getByLabel('Code', { exact: true }).fill(totpCode(secret));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const codes = dialog.locator('[data-test="recovery-codes"] li');
    await poll(() => codes.count()).toBe(10);
    await poll(() => dialog.getByText('They will not be shown again').isVisible()).toBe(true);
    await snapshot(page, 'user-two-step-recovery-codes');
    await expectAccessible(page);
    const recoveryCode = (await codes.first().textContent())!.trim();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => twoStep.textContent()).toContain('10 recovery codes left');

    // Signing in now takes the code too; a recovery code also works, once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/security-info');
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('heading', { name: 'Enter your code' }).isVisible()).toBe(true);
    await snapshot(page, 'user-sign-in-code');
    await expectAccessible(page);
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('That code is not right');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.pathname === '/security-info');
    await poll(() => twoStep.textContent()).toContain('9 recovery codes left');

    // App passwords are offered now.
    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    await dialog.getByRole('radio', { name: /App password/ }).check();
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.getByLabel('Name').fill('Printer');
    await dialog.getByRole('button', { name: 'Next' }).click();
    const shown = dialog.locator('[data-test="password"]');
    await shown.waitFor();
    expect(await checkAppPassword(user.email, (await shown.textContent())!.trim())).toBe(204);
    await dialog.getByRole('button', { name: 'Done' }).click();

    // Removing two-step verification says the app password goes with it.
    await page.getByRole('button', { name: 'Remove' }).click();
    const confirm = page.getByRole('dialog');
    await poll(() => confirm.locator('[data-test="app-passwords-go-too"]').textContent()).toContain(
      'your 1 app password will be deleted too',
    );
    await snapshot(page, 'user-two-step-remove');
    await confirm.getByRole('button', { name: 'Yes, remove' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('Two-step verification and 1 app password have been removed.');
    await poll(() => twoStep.textContent()).toContain('Not set up');
    await context.close();
  });

  it('at the limit, the dialog says so and leads back to the list', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 40);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('You already have 40 app passwords').isVisible()).toBe(true);
    await snapshot(page, 'user-at-limit');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Show my app passwords' }).click();
    await poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('40 of 40 app passwords');
    await context.close();
  });

  it('when the organisation has switched app passwords off, the option is gone and the dialog explains why', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('Your organisation has switched app passwords off').isVisible()).toBe(true);
    expect(await dialog.getByText('App password', { exact: true }).count()).toBe(0);
    await snapshot(page, 'user-policy-off');
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    // Focus returns to the button that opened the dialog.
    await poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Add sign-in method');
    await context.close();
  });

  it('changes the primary password: the old one stops working, this session stays', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, user);

    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Current password').fill(user.password);
    await dialog.getByLabel('New password', { exact: true }).fill('a brand-new passphrase');
    await dialog.getByLabel('New password again').fill('a brand-new passphrase');
    await snapshot(page, 'user-change-password');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await poll(() => page.getByRole('status').textContent());
    expect(await page.getByRole('status').textContent()).toContain('Your password has been changed');
    expect(await page.getByRole('heading', { name: 'Security info' }).isVisible()).toBe(true);

    const attempt = async (password: string) =>
      (
        await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation ($i: SignInInput!) { signIn(input: $i) { viewer { id } } }',
            variables: { i: { email: user.email, password } },
          }),
        }).then((r) => r.json())
      ).errors?.[0]?.extensions?.code ?? 'OK';
    expect(await attempt(user.password)).toBe('UNAUTHENTICATED');
    expect(await attempt('a brand-new passphrase')).toBe('OK');
    await context.close();
  });

  it('speaks Dutch to a Dutch browser, end to end', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url, 'nl-NL');
    const page = await context.newPage();
    await signIn(page, user, { email: 'E-mailadres', password: 'Wachtwoord', submit: 'Aanmelden' });
    await poll(() => page.getByRole('heading', { name: 'Beveiligingsgegevens' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl-NL');

    await page.getByRole('button', { name: 'Aanmeldmethode toevoegen' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Toevoegen' }).click();
    await dialog.getByLabel('Naam').fill('Printer op de gang');
    await dialog.getByRole('button', { name: 'Volgende' }).click();
    await poll(() => dialog.getByText('Het wordt niet opnieuw getoond').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Klaar' }).click();
    await poll(() => page.getByRole('heading', { name: '1 van 40 app-wachtwoorden' }).isVisible()).toBe(true);
    await poll(() => page.locator('[data-test="app-password"]').textContent()).toContain('Nog nooit gebruikt');
    await snapshot(page, 'user-security-info-nl');
    await expectAccessible(page);
    await context.close();
  });

  it('the language switch in the header saves the choice for a signed-in user: their mails are in it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    const language = async () => (await server.db.query('SELECT language FROM users WHERE id = $1', [user.id]))[0].language;
    await signIn(page, user);
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);
    expect(await language()).toBe('en');

    await page.getByLabel('Language').selectOption({ label: 'Nederlands' });
    await poll(() => page.getByRole('heading', { name: 'Beveiligingsgegevens' }).isVisible()).toBe(true);
    await poll(language).toBe('nl');
    await page.getByLabel('Taal').selectOption({ label: 'English' });
    await poll(() => page.getByRole('heading', { name: 'Security info' }).isVisible()).toBe(true);
    await poll(language).toBe('en');
    await context.close();
  });
});
