import { describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, type TestUser } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';

const { server, signedInPage } = consoleInBrowser();

const check = async (user: TestUser, password: string) =>
  (await checkBasic(server, basic(user.email, password), { userAgent: 'Thunderbird/128' })).status;

describe('rotating an app password on the security-info page', () => {
  it('asks first, shows the new secret once, and the list says "rotating" until the app uses the new one', async () => {
    const user = await createUser(server.db, await createTenant(server.db));
    const old = await createAppPassword(server, user, { name: 'Laptop mail' });
    const page = await signedInPage(user);

    const row = page.locator('[data-test="app-password"]', { hasText: 'Laptop mail' });
    await poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-test="rotating"]').count()).toBe(0);
    await row.getByRole('button', { name: 'Rotate app password Laptop mail' }).click();

    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText('or for 24 hours, whichever comes first').isVisible()).toBe(true);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Rotate', exact: true }).click();

    const shown = dialog.locator('[data-test="password"]');
    await shown.waitFor();
    const secret = (await shown.textContent())!.replace(/\s+/g, '');
    recordSecret(secret);
    expect(secret).toMatch(/^[a-z]{28}$/);
    expect(secret).not.toBe(old.password);
    expect(await dialog.getByText('Copy it now. It will not be shown again.').isVisible()).toBe(true);
    // Behind the dialog the list already says so, with the time the old password stops at the latest.
    await poll(() => row.locator('[data-test="rotating"]').textContent()).toMatch(/Rotating: old password works until .*\d/);
    await snapshot(page, 'user-rotate-app-password');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => dialog.count()).toBe(0);
    expect(await page.getByText(secret).count()).toBe(0);

    // Both work until the app signs in with the new one; then only the new one.
    expect(await check(user, old.password)).toBe(204);
    expect(await check(user, secret)).toBe(204);
    expect(await check(user, old.password)).toBe(401);
    await page.reload();
    await poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-test="rotating"]').count()).toBe(0);
  });
});
