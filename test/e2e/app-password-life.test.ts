import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, type TestUser } from '../support/factories.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';
import { signInThroughConsole } from './sign-in.js';

const { server, openPage, signedInPage } = consoleInBrowser();

const signIn = (page: Page, user: TestUser) => signInThroughConsole(page, server, user);
const check = async (user: TestUser, password: string, query?: string) =>
  (await checkBasic(server, basic(user.email, password), { query, userAgent: 'Thunderbird/128' })).status;
/** A day as the list shows it (en-GB, medium), e.g. "5 Jan 2027". */
const shownDay = (date: Date) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(date);

/** Creates an app password through the open add dialog; `expiry` is the label of the expiry choice. Returns the secret shown. */
async function createThroughDialog(page: Page, name: string, expiry?: string): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await dialog.getByLabel('Name').fill(name);
  if (expiry) await dialog.getByRole('group', { name: 'When does it stop working?' }).getByLabel(expiry).check();
  await dialog.getByRole('button', { name: 'Next' }).click();
  const shown = dialog.locator('[data-test="password"]');
  await shown.waitFor();
  const secret = (await shown.textContent())!.replace(/\s+/g, '');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await poll(() => dialog.count()).toBe(0);
  return secret;
}

describe('the life of an app password on the security-info page', () => {
  it('created to last 30 days: the list says when it expires; with a maximum, only what is allowed is offered', async () => {
    const tenant = await createTenant(server.db);
    await server.db.query('UPDATE tenant_policies SET max_lifetime_days = 180 WHERE tenant_id = $1', [tenant.id]);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const expiry = dialog.getByRole('group', { name: 'When does it stop working?' });
    await poll(() => expiry.getByRole('radio').count()).toBe(4);
    const labels = await expiry.locator('label.checkbox').allTextContents();
    expect(labels.map((l) => l.trim())).toEqual(['The maximum (180 days)', '30 days', '90 days', 'On a date']);
    expect(await expiry.getByLabel('The maximum (180 days)').isChecked()).toBe(true);

    // On a date: the hint says the day's end, in the user's time; the input stops at the last day allowed.
    await expiry.getByLabel('On a date').check();
    const day = dialog.getByLabel('Last day');
    await poll(() => day.isVisible()).toBe(true);
    expect(await dialog.getByText('It works until the end of that day (midnight, your time).').isVisible()).toBe(true);
    expect(await day.getAttribute('max')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await dialog.getByLabel('Name').fill('Printer');
    await snapshot(page, 'user-add-app-password-expiry');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => dialog.count()).toBe(0);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const before = Date.now();
    const secret = await createThroughDialog(page, 'Phone mail', '30 days');
    const row = page.locator('[data-test="app-password"]', { hasText: 'Phone mail' });
    await poll(() => row.textContent()).toContain(`Expires ${shownDay(new Date(before + 30 * 86_400_000))}`);
    expect(await check(user, secret)).toBe(204);

    // The organisation's default: its maximum.
    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    await createThroughDialog(page, 'Tablet');
    await poll(() => page.locator('[data-test="app-password"]', { hasText: 'Tablet' }).textContent()).toContain(
      `Expires ${shownDay(new Date(before + 180 * 86_400_000))}`,
    );
    await snapshot(page, 'user-app-passwords-expiring');
  });

  it('no maximum: "Never" is the default; a day chosen ends at the end of that day', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const expiry = dialog.getByRole('group', { name: 'When does it stop working?' });
    await poll(() => expiry.getByRole('radio').count()).toBe(5);
    expect(await expiry.getByLabel('Never').isChecked()).toBe(true);
    await dialog.getByLabel('Name').fill('Calendar');
    await expiry.getByLabel('On a date').check();
    const inTenDays = new Date(Date.now() + 10 * 86_400_000);
    const iso = await page.evaluate((ms) => {
      const d = new Date(ms);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, inTenDays.getTime());
    await dialog.getByLabel('Last day').fill(iso);
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.locator('[data-test="password"]').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('[data-test="app-password"]', { hasText: 'Calendar' });
    await poll(() => row.textContent()).toContain(`Expires ${shownDay(inTenDays)}`);
    const [stored] = await server.db.query('SELECT expires_at FROM app_passwords WHERE user_id = $1', [user.id]);
    const expected = await page.evaluate((day) => new Date(`${day}T23:59:59.999`).getTime(), iso);
    expect(Math.abs(new Date(stored.expires_at).getTime() - expected)).toBeLessThan(1000);
  });

  it('renamed in the edit dialog: the list shows the new name, and the same secret still signs in', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const { password } = await createAppPassword(server, user, { name: 'Thunderbird' });
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Edit app password Thunderbird' }).click();
    const dialog = page.getByRole('dialog');
    const name = dialog.getByLabel('Name');
    await poll(() => name.inputValue()).toBe('Thunderbird');
    // Blank: said at the field, nothing sent.
    await name.fill('   ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByText('Enter a name of 1 to 64 characters.').isVisible()).toBe(true);
    await expectAccessible(page);

    await name.fill('Thunderbird on my new laptop');
    await snapshot(page, 'user-rename-app-password');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => dialog.count()).toBe(0);
    await poll(() => page.getByRole('status').textContent()).toContain('“Thunderbird on my new laptop” has been saved.');
    const items = page.locator('[data-test="app-password"]');
    await poll(() => items.textContent()).toContain('App password: Thunderbird on my new laptop');
    expect(await check(user, password)).toBe(204);
  });

  it('history: its sign-ins (a refused one too) and addresses, loaded when opened', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const { password } = await createAppPassword(server, user, { name: 'Mail app', services: ['imap'] });
    expect(await check(user, password, 'service=imap')).toBe(204);
    expect(await check(user, password, 'service=caldav')).toBe(401);
    expect(
      await check(
        user,
        password.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
        'service=imap',
      ),
    ).toBe(401);
    await server.app.services.signInLog.flush();

    const page = await openPage();
    const historyRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && r.postData()?.includes('AppPasswordHistory')) historyRequests.push(r.url());
    });
    await signIn(page, user);
    await poll(() => page.locator('[data-test="app-password"]').count()).toBe(1);
    expect(historyRequests).toEqual([]); // not with the list

    await page.getByRole('button', { name: 'History of app password Mail app' }).click();
    const dialog = page.getByRole('dialog', { name: 'History of “Mail app”' });
    const rows = dialog.locator('[data-test="history-sign-in"]');
    await poll(() => rows.count()).toBe(2);
    expect(historyRequests).toHaveLength(1);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map((c) => c.trim());
    // Newest first: refused for CalDAV, then the IMAP sign-in that worked, both from this machine.
    expect((await cells(0)).slice(1)).toEqual(['Service not allowed', 'Calendars (CalDAV)', '127.0.0.1 Thunderbird/128']);
    expect((await cells(1)).slice(1)).toEqual(['Succeeded', 'Mail (IMAP)', '127.0.0.1 Thunderbird/128']);
    // A wrong secret matches no app password: it is the account's (recent sign-ins), not this one's.
    expect(await dialog.getByText('Wrong password').count()).toBe(0);
    const addresses = dialog.locator('[data-test="history-address"]');
    expect((await addresses.first().locator('td').allTextContents()).map((c) => c.trim())).toEqual(['127.0.0.1', expect.any(String), '2']);
    await snapshot(page, 'user-app-password-history');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);

    // The account's recent sign-ins show the wrong one, as a password that matched none of the user's app passwords (not a deleted one).
    const wrong = page.locator('[data-test="recent-sign-in"]', { hasText: 'Wrong password' });
    await poll(() => wrong.count()).toBe(1);
    expect(await wrong.textContent()).toContain('A password that matched none of your app passwords');
    // Its time and address read as words: "…, 12:12 from 127.0.0.1", not "12:12from".
    expect(await wrong.locator('.muted.small').last().innerText()).toMatch(/\d from 127\.0\.0\.1$/);
  });

  it('delete all: one confirmation with the count, then the list is empty, a notice says how many, the secrets are refused', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const first = await createAppPassword(server, user, { name: 'Laptop' });
    const second = await createAppPassword(server, user, { name: 'Phone', console: first.console });
    const third = await createAppPassword(server, user, { name: 'Printer', console: first.console });
    const page = await signedInPage(user);
    await poll(() => page.getByRole('heading', { name: '3 of 40 app passwords' }).isVisible()).toBe(true);

    const deleteAll = page.getByRole('button', { name: 'Delete all my app passwords' });
    await deleteAll.click();
    const dialog = page.getByRole('dialog', { name: 'Delete all your app passwords?' });
    await poll(() => dialog.textContent()).toContain(
      'All 3 of your app passwords will be deleted. Apps and devices that use them stop working at once.',
    );
    await snapshot(page, 'user-delete-all-confirm');
    await expectAccessible(page);
    // Cancel (focused first) keeps them.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => dialog.count()).toBe(0);
    expect(await check(user, first.password)).toBe(204);

    await deleteAll.click();
    await dialog.getByRole('button', { name: 'Yes, delete all 3' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('3 app passwords have been deleted.');
    await poll(() => page.getByRole('heading', { name: '0 of 40 app passwords' }).isVisible()).toBe(true);
    expect(await page.locator('[data-test="app-password"]').count()).toBe(0);
    expect(await page.getByText('You have no app passwords.').isVisible()).toBe(true);
    expect(await deleteAll.count()).toBe(0); // nothing left to delete
    await snapshot(page, 'user-deleted-all');
    await expectAccessible(page);
    for (const { password } of [first, second, third]) expect(await check(user, password)).toBe(401);
  });
});
