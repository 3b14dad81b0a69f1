import { SignInDocument } from '@app-passwords/schema';
import { describe, expect, it } from 'vitest';
import { basic, checkBasic } from '../support/app-passwords.js';
import { createTenant, createUser, insertAppPasswords } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { totpCode } from '../support/two-step.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';
import { signInThroughConsole } from './sign-in.js';

const { server, openPage, signedInPage } = consoleInBrowser();

const checkAppPassword = async (email: string, password: string) => (await checkBasic(server, basic(email, password))).status;

describe('the security-info page', () => {
  it('a user creates an app password, copies it, an app signs in with it, then the user deletes it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);
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
  });

  it('a user sets up an authenticator app, signs in with password and code, and may then create app passwords', async () => {
    const tenant = await createTenant(server.db, { requireTwoStepForAppPasswords: true });
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);
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
  });

  it("a page load shows the list before any script runs, in the browser's time zone; the console then takes it over and works", async () => {
    const user = await createUser(server.db, await createTenant(server.db));
    const [printer] = await insertAppPasswords(server.db, user, 2);
    await server.db.query(`UPDATE app_passwords SET name = 'Printer', created_at = '2026-03-01T23:30:00Z' WHERE id = $1`, [printer]);
    const page = await openPage('en-GB', 'Asia/Tokyo');
    const logged: string[] = [];
    page.on('console', (m) => void logged.push(m.text()));
    await signInThroughConsole(page, server, user);

    // No script at all: what the server sent is the page, dated in Tokyo (2 March, 08:30), as the console told it.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.reload();
    await poll(() => page.getByRole('heading', { name: '2 of 40 app passwords' }).isVisible()).toBe(true);
    const printerItem = page.locator('[data-test="app-password"]', { hasText: 'App password: Printer' });
    expect(await printerItem.textContent()).toContain('Created 2 Mar 2026, 08:30');
    expect(await page.evaluate(() => 'undefined' !== typeof (document.getElementById('app') as any).__vue_app__)).toBe(false);

    // With its scripts, the console takes the same page over (no mismatch) and everything on it works. Rendered in
    // another zone (a first visit from this browser: UTC, 1 March 23:30), it takes it over in that one, then shows Tokyo's.
    await page.unroute('**/assets/*.js');
    await page.context().addCookies([{ name: 'app-passwords.time-zone', value: 'UTC', url: server.url }]);
    await page.reload();
    expect(await page.evaluate(() => document.getElementById('app')!.dataset.timeZone)).toBe('UTC');
    await poll(() => page.evaluate(() => (document.getElementById('app') as any).__vue_app__ !== undefined)).toBe(true);
    await poll(() => printerItem.textContent()).toContain('Created 2 Mar 2026, 08:30');
    await page.getByRole('button', { name: 'Delete app password Printer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => page.getByRole('heading', { name: '1 of 40 app passwords' }).isVisible()).toBe(true);
    expect(logged.filter((m) => /hydrat|mismatch/i.test(m))).toEqual([]);
  });

  it('at the limit, the dialog says so and leads back to the list', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    await insertAppPasswords(server.db, user, 40);
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('You already have 40 app passwords').isVisible()).toBe(true);
    await snapshot(page, 'user-at-limit');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Show my app passwords' }).click();
    await poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('40 of 40 app passwords');
  });

  it('when the organisation has switched app passwords off, the option is gone and the dialog explains why', async () => {
    const tenant = await createTenant(server.db, { appPasswordsEnabled: false });
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('Your organisation has switched app passwords off').isVisible()).toBe(true);
    expect(await dialog.getByText('App password', { exact: true }).count()).toBe(0);
    await snapshot(page, 'user-policy-off');
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    // Focus returns to the button that opened the dialog.
    await poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Add sign-in method');
  });

  it('changes the primary password: the old one stops working, this session stays', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);

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
      GraphQLClient.code(await new GraphQLClient(server.url).request(SignInDocument, { input: { email: user.email, password } })) ?? 'OK';
    expect(await attempt(user.password)).toBe('UNAUTHENTICATED');
    expect(await attempt('a brand-new passphrase')).toBe('OK');
  });

  it('speaks Dutch to a Dutch browser, end to end', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user, 'nl-NL');
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
  });

  it('the language switch in the header saves the choice for a signed-in user: their mails are in it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);
    const language = async () => (await server.db.query('SELECT language FROM users WHERE id = $1', [user.id]))[0].language;
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);
    expect(await language()).toBe('en');

    await page.getByLabel('Language').selectOption({ label: 'Nederlands' });
    await poll(() => page.getByRole('heading', { name: 'Beveiligingsgegevens' }).isVisible()).toBe(true);
    await poll(language).toBe('nl');
    await page.getByLabel('Taal').selectOption({ label: 'English' });
    await poll(() => page.getByRole('heading', { name: 'Security info' }).isVisible()).toBe(true);
    await poll(language).toBe('en');
  });
});
