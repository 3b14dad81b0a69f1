import { describe, expect, it } from 'vitest';
import { uniqueTag } from '../support/admin.js';
import { createAdmin, createTenant } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';

const { server, openPage, signedInPage } = consoleInBrowser();

describe('users, as an admin manages them', () => {
  it('an admin adds a user; the user signs in with the one-time password and must choose their own first', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const email = `newcomer.${uniqueTag()}@example.test`;

    const adminPage = await signedInPage(admin);
    await adminPage.goto('/admin/users');
    await adminPage.getByRole('button', { name: 'Add user' }).click();
    await adminPage.getByLabel('Email address (sign-in name)').fill(email);
    await adminPage.getByLabel('Display name').fill('Nora Newcomer');
    await expectAccessible(adminPage);
    await adminPage.locator('form[data-test="create-user"]').getByRole('button', { name: 'Add user' }).click();
    const shown = adminPage.locator('[data-test="initial-password"]');
    await poll(() => shown.isVisible()).toBe(true);
    const initialPassword = (await shown.textContent())!.trim();
    recordSecret(initialPassword);
    expect(initialPassword).toMatch(/^[a-zA-Z2-9]{20}$/);
    await snapshot(adminPage, 'admin-user-created');
    await adminPage.getByRole('button', { name: 'Done' }).click();
    const row = adminPage.locator('[data-test="user"]', { hasText: email });
    await poll(() => row.locator('[data-test="sign-in"]').textContent()).toContain('Password given, not yet changed');

    // The newcomer signs in: the console asks for their own password before anything else.
    const page = await openPage();
    await page.goto('/security-info');
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(initialPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/choose-password');
    await poll(() => page.locator('[data-test="forced-password-change"]').isVisible()).toBe(true);
    await page.goto('/security-info');
    await page.waitForURL((url) => url.pathname === '/choose-password');
    const own = `my very own password ${uniqueTag()}`;
    recordSecret(own);
    await page.getByLabel('Current password').fill(initialPassword);
    await page.getByLabel('New password', { exact: true }).fill(own);
    await page.getByLabel('New password again').fill(own);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL((url) => url.pathname === '/security-info');
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    // The admin sees the change and deletes the user, the dialog naming them.
    await adminPage.reload();
    await poll(() => row.locator('[data-test="sign-in"]').textContent()).toContain('Password');
    await row.getByRole('button', { name: 'Delete Nora Newcomer' }).click();
    await poll(() => adminPage.getByRole('dialog').textContent()).toContain(`Nora Newcomer (${email})`);
    await adminPage.getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => adminPage.getByRole('status').textContent()).toContain('Nora Newcomer has been deleted');
    expect((await server.db.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [email]))[0].n).toBe(0);
  });
});
