import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createNamedUser, uniqueTag } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, randomSecret } from '../support/app-passwords.js';
import { createAdmin, createTenant, createUser } from '../support/factories.js';
import { consoleInBrowser, poll } from './console.js';

/**
 * Names and text that users and apps choose reach other people's screens: an
 * app password's name, a user agent, a sign-in name, a display name. Each is
 * markup that would run if the console ever rendered it as HTML. The console
 * must show it as text; anything that ran would change the title, and the
 * Content-Security-Policy violation it caused fails the test too (newContext).
 */

const NAME = `<img src=x onerror="document.title='ran'">`;
const AGENT = `<script>document.title='ran'</script><img src=x onerror="document.title='ran'">`;
const DISPLAY_NAME = `<svg onload="document.title='ran'">Mallory</svg>`;

const { server, signedInPage } = consoleInBrowser();

/** Shown as the very text, and nothing of it became an element or ran. */
async function expectShownAsText(page: Page, text: string) {
  await poll(() => page.getByText(text, { exact: false }).first().isVisible()).toBe(true);
  expect(await page.locator('img[src="x"], script:not([src]), svg[onload]').count()).toBe(0);
  expect(await page.title()).not.toBe('ran');
}

describe('text chosen by users and apps', () => {
  it('is shown as text on the security-info page and in the admin pages, and never runs', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user, { name: NAME });
    expect((await checkBasic(server, basic(user.email, appPassword.password), { userAgent: AGENT })).status).toBe(204);
    const mallory = await createNamedUser(server.db, tenant, {
      email: `<b>mallory-${uniqueTag()}</b>@example.test`,
      displayName: DISPLAY_NAME,
    });
    expect((await checkBasic(server, basic(mallory.email, randomSecret()), { userAgent: AGENT })).status).toBe(401);
    await server.app.services.signInLog.flush();

    const userPage = await signedInPage(user);
    await expectShownAsText(userPage, NAME); // the list of app passwords
    // The recent sign-ins arrive in a request of their own, after the list: wait for their rows, then look again.
    await poll(() => userPage.locator('[data-test="recent-sign-in"]', { hasText: NAME }).count()).toBeGreaterThan(0);
    await expectShownAsText(userPage, NAME);

    const adminPage = await signedInPage(admin);
    await adminPage.goto('/admin/sign-ins');
    await expectShownAsText(adminPage, AGENT);
    await expectShownAsText(adminPage, mallory.email);
    await adminPage.goto('/admin/users');
    await expectShownAsText(adminPage, DISPLAY_NAME);
    await adminPage.goto('/admin/app-passwords');
    await expectShownAsText(adminPage, NAME);
  });
});
