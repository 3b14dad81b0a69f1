import { describe, expect, it } from 'vitest';
import { uniqueTag } from '../support/admin.js';
import { createAdmin, createTenant, createUser } from '../support/factories.js';
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

  it('an admin renames a user; a user provisioned by the identity provider is renamed there, and the dialog says so', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const user = await createUser(server.db, tenant);
    const provisioned = await createUser(server.db, tenant);
    await server.db.query(`UPDATE users SET display_name = 'Petra Provisioned', source = 'scim' WHERE id = $1`, [provisioned.id]);
    await server.db.query(`UPDATE users SET display_name = 'Rita Renamed' WHERE id = $1`, [user.id]);
    const email = `rita.${uniqueTag()}@example.test`;

    const page = await signedInPage(admin);
    await page.goto('/admin/users');
    await page.getByRole('button', { name: 'Rename Rita Renamed' }).click();
    const form = page.locator('form[data-test="rename-user"]');
    await poll(() => form.getByLabel('Display name').inputValue()).toBe('Rita Renamed');
    await form.getByLabel('Display name').fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => form.textContent()).toContain('Enter a display name.');
    await form.getByLabel('Display name').fill('Rita Roeland');
    await form.getByLabel('Email address (sign-in name)').fill(email);
    await expectAccessible(page);
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('Rita Roeland has been renamed');
    const row = page.locator('[data-test="user"]', { hasText: email });
    await poll(() => row.textContent()).toContain('Rita Roeland');
    const [stored] = await server.db.query('SELECT email, display_name FROM users WHERE id = $1', [user.id]);
    expect(stored).toEqual({ email, display_name: 'Rita Roeland' });

    // The sign-in name of someone else is refused, with the reason, and nothing changes.
    await page.getByRole('button', { name: 'Rename Rita Roeland' }).click();
    await form.getByLabel('Email address (sign-in name)').fill(admin.email);
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => form.getByRole('alert').textContent()).toContain('Someone already has that email address');
    await form.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Rename Petra Provisioned' }).click();
    await poll(() => page.locator('[data-test="managed-by-provider"]').textContent()).toContain('managed by your identity provider (SCIM)');
    expect(await page.locator('form[data-test="rename-user"]').count()).toBe(0);
    await expectAccessible(page);
    await snapshot(page, 'admin-user-managed-by-provider');
    await page.getByRole('button', { name: 'Done' }).click();
    const [untouched] = await server.db.query('SELECT display_name FROM users WHERE id = $1', [provisioned.id]);
    expect(untouched.display_name).toBe('Petra Provisioned');
  });
});
