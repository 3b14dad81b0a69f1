import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, tenantWithAdminAndUser, type TestUser } from '../support/factories.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll, review } from './console.js';

/** Not behind a proxy: every check and the browser come from 127.0.0.1, which is what the networks are checked against. */
const { server, signedInPage } = consoleInBrowser();

/** /auth/basic for `service` with this app password, as a proxy in front of that service would ask: the status. */
async function check(user: TestUser, password: string, service: string): Promise<number> {
  return (await checkBasic(server, basic(user.email, password), { query: `service=${service}` })).status;
}

/** Creates an app password through the open add dialog, with only `keep` of the services ticked; returns the secret shown. */
async function createThroughDialog(page: Page, name: string, keep: string[] | 'all', networks?: string): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  const group = dialog.getByRole('group', { name: 'What may it be used for?' });
  if (keep !== 'all') {
    for (const box of await group.getByRole('checkbox').all()) {
      const label = (await box.evaluate((input) => input.closest('label')?.textContent ?? '')).trim();
      await box.setChecked(keep.includes(label));
    }
  }
  if (networks !== undefined) await dialog.getByLabel(/Where may it be used from/).fill(networks);
  await dialog.getByRole('button', { name: 'Next' }).click();
  const shown = dialog.locator('[data-test="password"]');
  await shown.waitFor();
  return (await shown.textContent())!.trim();
}

describe('services and networks on the security-info page', () => {
  it('a user creates an app password for IMAP only: IMAP passes, CalDAV is refused; then limits where it may be used from', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user);

    await page.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const group = dialog.getByRole('group', { name: 'What may it be used for?' });
    await poll(() => group.getByRole('checkbox').count()).toBe(7);
    // Every allowed service is ticked to begin with.
    for (const box of await group.getByRole('checkbox').all()) expect(await box.isChecked()).toBe(true);
    await snapshot(page, 'user-add-app-password-services');
    await expectAccessible(page);

    // None ticked: said at the services, nothing created.
    for (const box of await group.getByRole('checkbox').all()) await box.uncheck();
    await dialog.getByLabel('Name').fill('Phone mail');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await poll(() => group.getAttribute('aria-invalid')).toBe('true');
    await poll(() => dialog.getByText('Choose at least one service.').isVisible()).toBe(true);
    await expectAccessible(page);

    const password = await createThroughDialog(page, 'Phone mail', ['Mail (IMAP)']);
    expect(await check(user, password, 'imap')).toBe(204);
    expect(await check(user, password, 'caldav')).toBe(401);
    expect((await checkBasic(server, basic(user.email, password))).status).toBe(401); // a check that names no service needs them all
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.locator('[data-test="app-password"]');
    await poll(() => row.locator('[data-test="services"]').textContent()).toBe('For: Mail (IMAP)');
    expect(await row.locator('[data-test="networks"]').count()).toBe(0);

    // Only from a network this browser and the checks are not in: refused; then from 127.0.0.1: passes again.
    await row.getByRole('button', { name: 'Edit app password Phone mail' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Phone mail”' });
    await poll(() => edit.getByRole('checkbox').count()).toBe(1); // only what it has: no service can be added
    await edit.getByLabel(/Where may it be used from/).fill('192.0.2.0/24, 2001:db8::/48');
    await snapshot(page, 'user-edit-app-password');
    await expectAccessible(page);
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => row.locator('[data-test="networks"]').textContent()).toBe('Only from: 192.0.2.0/24, 2001:db8::/48');
    expect(await check(user, password, 'imap')).toBe(401);

    await row.getByRole('button', { name: 'Edit app password Phone mail' }).click();
    await poll(() => edit.getByLabel(/Where may it be used from/).inputValue()).toBe('192.0.2.0/24\n2001:db8::/48');
    await edit.getByLabel(/Where may it be used from/).fill('not a network');
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => edit.getByText('Write each network as 192.0.2.0/24').isVisible()).toBe(true);
    await edit.getByLabel(/Where may it be used from/).fill('127.0.0.1');
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => row.locator('[data-test="networks"]').textContent()).toBe('Only from: 127.0.0.1/32');
    expect(await check(user, password, 'imap')).toBe(204);
  });

  it('an app password used for fewer services than it allows proposes to be limited to those; one click does it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const mail = await createAppPassword(server, user, { name: 'Thunderbird' });
    expect(await check(user, mail.password, 'imap')).toBe(204);
    expect(await check(user, mail.password, 'smtp')).toBe(204);
    await server.app.services.appPasswordSignIn.drain(); // what it was used for is written after the answer

    const page = await signedInPage(user);
    const row = page.locator('[data-test="app-password"]');
    await poll(() => row.locator('[data-test="used"]').textContent()).toBe('Used for Mail (IMAP), Sending mail (SMTP) in the last 30 days');
    expect(await row.locator('[data-test="suggestion"]').count()).toBe(0); // too young to tell

    // A month and more later.
    await server.db.query(`UPDATE app_passwords SET created_at = now() - interval '40 days' WHERE id = $1`, [mail.id]);
    await page.reload();
    const suggestion = row.locator('[data-test="suggestion"]');
    await poll(() => suggestion.textContent()).toContain('Only used for Mail (IMAP), Sending mail (SMTP): limit it to those');
    await snapshot(page, 'user-limit-proposal');
    await expectAccessible(page);
    await suggestion.getByRole('button', { name: 'Limit app password Thunderbird to Mail (IMAP), Sending mail (SMTP)' }).click();

    await poll(() => row.locator('[data-test="services"]').textContent()).toBe('For: Mail (IMAP), Sending mail (SMTP)');
    await poll(() => suggestion.count()).toBe(0);
    await poll(() => page.getByRole('status').textContent()).toBe(
      '“Thunderbird” can now be used only for Mail (IMAP), Sending mail (SMTP).',
    );
    expect(await check(user, mail.password, 'caldav')).toBe(401);
    expect(await check(user, mail.password, 'imap')).toBe(204);

    // Account activity says what happened to it: first used from this network, then limited, by the user.
    const events = page.locator('[data-test="account-event"]');
    await poll(() => events.first().textContent()).toMatch(
      /^App password limited to fewer services: Thunderbird — now only for Mail \(IMAP\), Sending mail \(SMTP\).* by you$/,
    );
    expect(await events.allTextContents()).toContainEqual(
      expect.stringMatching(/^App password used from a new network: Thunderbird — from network 127\.0\.0\.0\/24/),
    );
    await snapshot(page, 'user-account-activity');
    await expectAccessible(page);
  });

  it('when the organisation requires networks, the dialog says so and asks for one, in Dutch with Dutch service names', async () => {
    const tenant = await createTenant(server.db);
    await server.db.query('UPDATE tenant_policies SET require_networks = true WHERE tenant_id = $1', [tenant.id]);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(user, 'nl-NL');

    await page.getByRole('button', { name: 'Aanmeldmethode toevoegen' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Toevoegen' }).click();
    const group = dialog.getByRole('group', { name: 'Waarvoor mag het worden gebruikt?' });
    await poll(() => group.getByRole('checkbox', { name: 'E-mail versturen (SMTP)' }).isChecked()).toBe(true);
    const networks = dialog.getByLabel('Vanaf waar mag het worden gebruikt?');
    expect(await networks.getAttribute('aria-required')).toBe('true');
    await poll(() => dialog.getByText('Je organisatie vereist dit voor nieuwe app-wachtwoorden.').isVisible()).toBe(true);

    await dialog.getByLabel('Naam').fill('Printer op de gang');
    await dialog.getByRole('button', { name: 'Volgende' }).click();
    await poll(() => networks.getAttribute('aria-invalid')).toBe('true');
    await poll(() => dialog.getByText('Vul er minstens één in.').isVisible()).toBe(true);
    await snapshot(page, 'user-networks-required-nl');
    await expectAccessible(page);

    await group.getByRole('checkbox', { name: 'E-mail versturen (SMTP)' }).uncheck();
    await networks.fill('127.0.0.0/8\n198.51.100.0/24');
    await dialog.getByRole('button', { name: 'Volgende' }).click();
    await poll(() => dialog.getByText('Het wordt niet opnieuw getoond').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Klaar' }).click();
    const row = page.locator('[data-test="app-password"]');
    await poll(() => row.locator('[data-test="services"]').textContent()).toBe(
      'Voor: E-mail (IMAP), E-mail (POP3), Agenda’s (CalDAV), Contacten (CardDAV), Bestanden (WebDAV), GraphQL-API',
    );
    expect(await row.locator('[data-test="networks"]').textContent()).toBe('Alleen vanaf: 127.0.0.0/8, 198.51.100.0/24');
  });
});

describe('services and networks in the admin console', () => {
  it('an admin adds a service, the user creates an app password for it, the admin renames it, then removes it', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const page = await signedInPage(admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Services' }).click();
    await page.waitForURL(/\/admin\/services$/);
    const rows = page.locator('[data-test="service"]');
    await poll(() => rows.count()).toBe(7);
    expect(await rows.first().textContent()).toContain('imapMail (IMAP)E-mail (IMAP)Allowed');
    await review(page, 'admin-services');

    await page.getByLabel('Key').fill('XMPP ');
    await page.getByLabel('English name').fill('Chat (XMPP)');
    await page.getByLabel('Dutch name').fill('Chatten (XMPP)');
    await page.getByRole('button', { name: 'Add service' }).click();
    await poll(() => page.locator('[data-test="status"]').textContent()).toBe('Chat (XMPP) (xmpp) has been added and is allowed.');
    await poll(() => rows.count()).toBe(8);
    expect(await page.getByLabel('Key').inputValue()).toBe('');

    // The same key again: said at the key, nothing added.
    await page.getByLabel('Key').fill('xmpp');
    await page.getByLabel('English name').fill('Another chat');
    await page.getByLabel('Dutch name').fill('Nog een chat');
    await page.getByRole('button', { name: 'Add service' }).click();
    await poll(() => page.getByLabel('Key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('There already is a service with this key.').isVisible()).toBe(true);
    await expectAccessible(page);

    const userPage = await signedInPage(user);
    await userPage.getByRole('button', { name: 'Add sign-in method' }).click();
    await userPage.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
    await poll(() => userPage.getByRole('checkbox', { name: 'Chat (XMPP)' }).isChecked()).toBe(true);
    const password = await createThroughDialog(userPage, 'Chat app', ['Chat (XMPP)']);
    expect(await check(user, password, 'xmpp')).toBe(204);
    expect(await check(user, password, 'imap')).toBe(401);
    await userPage.context().close();
    // Another one with it, and one without: removing it changes two.
    const both = await createAppPassword(server, user, { name: 'Mail and chat', services: ['imap', 'xmpp'] });
    await createAppPassword(server, user, { name: 'Calendar', services: ['caldav'] });

    await page.getByRole('button', { name: 'Rename Chat (XMPP)' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename service xmpp' });
    await rename.getByLabel('English name').fill('Instant messages (XMPP)');
    await rename.getByLabel('Dutch name').fill('Chatberichten (XMPP)');
    await expectAccessible(page);
    await rename.getByRole('button', { name: 'Save names' }).click();
    await poll(() => rows.last().textContent()).toContain('Instant messages (XMPP)Chatberichten (XMPP)');

    await page.getByRole('button', { name: 'Remove Instant messages (XMPP)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove Instant messages (XMPP)?' });
    await poll(() => confirm.textContent()).toContain('checks for xmpp are refused');
    await snapshot(page, 'admin-services-remove');
    await confirm.getByRole('button', { name: 'Yes, remove' }).click();
    await poll(() => page.locator('[data-test="status"]').textContent()).toBe(
      'Instant messages (XMPP) has been removed; 2 app passwords no longer have it.',
    );
    await poll(() => rows.count()).toBe(7);
    expect(await check(user, password, 'xmpp')).toBe(401);
    expect(await check(user, both.password, 'xmpp')).toBe(401);
    expect(await check(user, both.password, 'imap')).toBe(204);
    await page.context().close();

    // The user's chat app password has no service left, and says so.
    const laterPage = await signedInPage(user);
    const services = laterPage.locator('[data-test="app-password"]').filter({ hasText: 'Chat app' }).locator('[data-test="services"]');
    await poll(() => services.textContent()).toContain('For: nothing your organisation allows at the moment, so apps cannot use it.');
  });

  it('the policy takes a service away from every app password at once and requires networks of new ones', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const files = await createAppPassword(server, user, { name: 'Files app' });
    expect(await check(user, files.password, 'webdav')).toBe(204);

    const page = await signedInPage(admin);
    await page.goto('/admin/policy');
    const allowed = page.getByRole('group', { name: 'App passwords may be used for' });
    await poll(() => allowed.getByRole('checkbox', { name: 'Files (WebDAV)' }).isChecked()).toBe(true);
    await review(page, 'admin-policy-services');

    // None allowed: said at the services.
    for (const box of await allowed.getByRole('checkbox').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => allowed.getAttribute('aria-invalid')).toBe('true');
    await poll(() => page.getByText('Allow at least one service.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Undo changes' }).click();

    await allowed.getByRole('checkbox', { name: 'Files (WebDAV)' }).uncheck();
    await page.getByRole('checkbox', { name: 'New app passwords must name the networks they may be used from' }).check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'The policy has been saved.' }).isVisible()).toBe(true);
    expect(await check(user, files.password, 'webdav')).toBe(401);
    expect(await check(user, files.password, 'imap')).toBe(204);
    await page.context().close();

    const userPage = await signedInPage(user);
    await userPage.getByRole('button', { name: 'Add sign-in method' }).click();
    const dialog = userPage.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const group = dialog.getByRole('group', { name: 'What may it be used for?' });
    await poll(() => group.getByRole('checkbox').count()).toBe(6);
    expect(await group.getByRole('checkbox', { name: 'Files (WebDAV)' }).count()).toBe(0);
    expect(await dialog.getByLabel('Where may it be used from?').getAttribute('aria-required')).toBe('true');
  });

  it('the inventory finds app passwords that allow more than they use and limits them after a dry-run count; the sign-in log and the overview chart filter by service', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const wide = await createAppPassword(server, user, { name: 'Wide' });
    const narrow = await createAppPassword(server, user, { name: 'Narrow', services: ['imap'] });
    await createAppPassword(server, user, { name: 'Unused', services: ['caldav', 'carddav'] });
    for (const a of [wide, narrow]) expect(await check(user, a.password, 'imap')).toBe(204);
    await server.app.services.appPasswordSignIn.drain();
    await server.db.query(`UPDATE app_passwords SET created_at = now() - interval '40 days' WHERE user_id = $1`, [user.id]);

    const page = await signedInPage(admin);
    await page.goto('/admin/app-passwords');
    const names = () => page.locator('[data-test="app-password-row"] strong').allTextContents();
    const row = (name: string) => page.locator('[data-test="app-password-row"]').filter({ hasText: name });
    await poll(async () => (await names()).sort()).toEqual(['Narrow', 'Unused', 'Wide']);
    await poll(() => row('Narrow').locator('[data-test="services"]').innerText()).toBe('Mail (IMAP)\nUsed for Mail (IMAP) in 30 days');
    await review(page, 'admin-app-passwords-services');

    await page.locator('select[name=service]').selectOption({ label: 'Calendars (CalDAV)' });
    await poll(async () => (await names()).sort()).toEqual(['Unused', 'Wide']);
    await page.locator('select[name=service]').selectOption({ label: 'Any service' });
    await page.getByRole('checkbox', { name: 'Allows more than it uses' }).check();
    await poll(() => names()).toEqual(['Wide']);
    await snapshot(page, 'admin-app-passwords-allows-more');

    await page.getByRole('button', { name: 'Limit all matching to used services' }).click();
    const dialog = page.getByRole('dialog', { name: 'Limit all app passwords that match the filters to the services they use?' });
    await poll(() => dialog.locator('[data-test="count"]').textContent()).toContain(
      '1 app password will be limited to the services it was used for in the last 30 days.',
    );
    await expectAccessible(page);
    // The dry run changed nothing (a check would count as a use: read the row).
    const servicesOf = async (id: string): Promise<string[]> =>
      (await server.db.query('SELECT services FROM app_passwords WHERE id = $1', [id]))[0].services;
    expect(await servicesOf(wide.id)).toHaveLength(7);
    await dialog.getByRole('button', { name: 'Yes, limit 1 app password' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '1 app password limited.' }).isVisible()).toBe(true);
    await poll(() => page.getByText('No app passwords match.').isVisible()).toBe(true);
    expect(await check(user, wide.password, 'caldav')).toBe(401);
    expect(await check(user, wide.password, 'imap')).toBe(204);
    await page.getByRole('checkbox', { name: 'Allows more than it uses' }).uncheck();
    await poll(() => row('Wide').locator('[data-test="services"]').innerText()).toMatch(/^Mail \(IMAP\)\nUsed for/);
    expect(await row('Unused').locator('[data-test="services"]').innerText()).toBe('Calendars (CalDAV), Contacts (CardDAV)');

    await server.app.services.signInLog.flush();
    await page.goto('/admin/sign-ins');
    const log = page.locator('[data-test="sign-ins"] tbody tr');
    // Three checks for IMAP passed (two before the limit, one after); the one for CalDAV after it was refused.
    await poll(() => log.filter({ hasText: 'Mail (IMAP)' }).count()).toBe(3);
    await page.locator('select[name=service]').selectOption({ label: 'Calendars (CalDAV)' });
    await poll(() => log.count()).toBe(1);
    expect(await log.locator('[data-test="service"]').allTextContents()).toEqual(['Calendars (CalDAV)']);
    expect(await log.first().textContent()).toContain('Service not allowed');
    const href = (await page.locator('[data-test="csv"]').getAttribute('href'))!;
    expect(href).toBe('/export/sign-ins.csv?service=caldav');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split(',').at(-1)).toBe('"caldav"');
    await review(page, 'admin-sign-ins-services');

    // The overview's chart of sign-ins per day, for all services or one.
    await page.goto('/admin/overview');
    const chart = page.locator('[data-test="sign-in-chart"]');
    await poll(() => chart.getAttribute('aria-label')).toMatch(/: 3 app-password sign-ins succeeded and 1 failed\.$/);
    await page.locator('select[name=service]').selectOption({ label: 'Calendars (CalDAV)' });
    await poll(() => chart.getAttribute('aria-label')).toMatch(/: 0 app-password sign-ins succeeded and 1 failed\.$/);
    await page.locator('select[name=service]').selectOption({ label: 'Mail (IMAP)' });
    await poll(() => chart.getAttribute('aria-label')).toMatch(/: 3 app-password sign-ins succeeded and 0 failed\.$/);
    await expectAccessible(page);
  }, 60_000);
});
