import { describe, expect, it } from 'vitest';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { createNamedUser, uniqueTag } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, graphqlWithAuthorization } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient, tenantWithAdminAndUser } from '../support/factories.js';
import { giveTwoStep, totpCode } from '../support/two-step.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll, review } from './console.js';
import { AdminUsersDocument, type AdminUsersQuery } from '@app-passwords/schema';

const { server, signedInPage } = consoleInBrowser();

const checkAppPassword = async (email: string, password: string) => (await checkBasic(server, basic(email, password))).status;

describe('the admin console', () => {
  it('an admin switches app passwords off with "block": the preview counts show, the user’s app password is refused, and their dialog explains', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const appPassword = await createAppPassword(server, user, { name: 'Printer' });
    expect(await checkAppPassword(user.email, appPassword.password)).toBe(204);

    const page = await signedInPage(admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(/\/admin\/overview$/);
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Policy' }).click();
    await page.waitForURL(/\/admin\/policy$/);

    const enabled = page.getByRole('checkbox', { name: 'Users may create app passwords' });
    await poll(() => enabled.isChecked()).toBe(true);
    await review(page, 'admin-policy');

    await enabled.uncheck();
    const choices = page.getByRole('radiogroup', { name: 'What happens to the app passwords users already have?' });
    await poll(() => choices.isVisible()).toBe(true);
    await poll(() => page.locator('[data-test="block-effect"]').textContent()).toBe(
      '1 app password of 1 user will be refused at sign-in until you switch app passwords on again.',
    );
    expect(await page.locator('[data-test="revoke-effect"]').textContent()).toBe('1 app password of 1 user will be deleted for good.');
    await choices.getByRole('radio', { name: /^Block/ }).check();
    await snapshot(page, 'admin-policy-switch-off');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'The policy has been saved.' }).isVisible()).toBe(true);
    expect(await enabled.isChecked()).toBe(false);
    expect(await choices.getByRole('radio', { name: /^Block/ }).isChecked()).toBe(true);
    expect(await checkAppPassword(user.email, appPassword.password)).toBe(401);
    await page.context().close();

    const userPage = await signedInPage(user);
    await userPage.getByRole('button', { name: 'Add sign-in method' }).click();
    await poll(() => userPage.getByRole('dialog').getByText('Your organisation has switched app passwords off').isVisible()).toBe(true);
  });

  it('an admin deletes all app passwords of a selected user after a confirmation with the count', async () => {
    const { tenant, admin, user } = await tenantWithAdminAndUser(server);
    const other = await createUser(server.db, tenant);
    const first = await createAppPassword(server, user, { name: 'Phone' });
    const second = await createAppPassword(server, user, { name: 'Laptop' });
    const kept = await createAppPassword(server, other, { name: 'Tablet' });

    const page = await signedInPage(admin);
    await page.goto('/admin/users');
    const rows = page.locator('[data-test="user"]');
    await poll(() => rows.count()).toBe(3);
    await review(page, 'admin-users');

    await page.getByRole('searchbox', { name: 'Search' }).fill(user.email.slice(0, 20));
    await poll(() => rows.count()).toBe(1);
    await page.getByRole('checkbox', { name: `Select Test User (${user.email})` }).check();
    await poll(() => page.getByText('1 user selected').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Delete all app passwords' }).click();

    const dialog = page.getByRole('dialog', { name: 'Delete all app passwords of 1 user?' });
    await poll(() => dialog.locator('[data-test="count"]').textContent()).toContain('2 app passwords will stop working at once.');
    await dialog.getByLabel('Reason').fill('Phone lost');
    await snapshot(page, 'admin-users-delete-confirm');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Yes, delete 2 app passwords' }).click();

    await poll(() => page.getByRole('status').filter({ hasText: '2 app passwords deleted.' }).isVisible()).toBe(true);
    await poll(() => rows.first().textContent()).toContain('Never'); // no app passwords, so no last use
    expect(await checkAppPassword(user.email, first.password)).toBe(401);
    expect(await checkAppPassword(user.email, second.password)).toBe(401);
    expect(await checkAppPassword(other.email, kept.password)).toBe(204);
  });

  it('the users list shows who has two-step verification, and an admin resets a locked-out user’s after a confirmation', async () => {
    const { tenant, admin } = await tenantWithAdminAndUser(server);
    const lockedOut = await createNamedUser(server.db, tenant, { email: `alex-${uniqueTag()}@example.test`, displayName: 'Alex Wilber' });
    const enrolled = await giveTwoStep(server, lockedOut);

    const page = await signedInPage(admin);
    await page.goto('/admin/users');
    const row = page.locator('[data-test="user"]').filter({ hasText: 'Alex Wilber' });
    await poll(() => row.locator('[data-test="two-step"]').textContent()).toBe('On');
    expect(await page.locator('[data-test="user"] [data-test="two-step"]').allTextContents()).toEqual(
      expect.arrayContaining(['On', 'Off']),
    );

    await row.getByRole('button', { name: 'Reset two-step verification of Alex Wilber' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset two-step verification of Alex Wilber?' });
    await poll(() => dialog.textContent()).toContain('loses their authenticator app and recovery codes and is signed out everywhere');
    await snapshot(page, 'admin-users-reset-two-step');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Yes, reset' }).click();

    await poll(() => page.getByRole('status').textContent()).toBe(
      'Two-step verification of Alex Wilber has been reset and they have been signed out everywhere.',
    );
    await poll(() => row.locator('[data-test="two-step"]').textContent()).toBe('Off');
    expect(await row.getByRole('button', { name: /^Reset two-step/ }).count()).toBe(0);
    // They get in with the password alone now.
    expect((await signedInClient(server, { ...enrolled, twoStep: undefined })).cookie).toBeDefined();
  });

  it('the inventory lists app passwords, filters "not used for 90 days" and "never used", and revokes what matches', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const recent = await createAppPassword(server, user, { name: 'Recent mail app' });
    const stale = await createAppPassword(server, user, { name: 'Stale printer' });
    const unused = await createAppPassword(server, user, { name: 'Unused scanner' });
    await server.db.query(`UPDATE app_passwords SET last_used_at = now() - interval '2 days' WHERE id = $1`, [recent.id]);
    await server.db.query(`UPDATE app_passwords SET last_used_at = now() - interval '100 days' WHERE id = $1`, [stale.id]);

    const page = await signedInPage(admin);
    await page.goto('/admin/app-passwords');
    const names = () => page.locator('[data-test="app-password-row"] strong').allTextContents();
    await poll(async () => (await names()).sort()).toEqual(['Recent mail app', 'Stale printer', 'Unused scanner']);
    expect(await page.locator('[data-test="total"]').textContent()).toContain('3 app passwords');
    await review(page, 'admin-app-passwords');

    await page.getByLabel('Last use').selectOption({ label: 'Not used for 90 days' });
    await poll(async () => (await names()).sort()).toEqual(['Stale printer', 'Unused scanner']);
    await poll(() => page.locator('[data-test="total"]').textContent()).toContain('2 app passwords');
    await snapshot(page, 'admin-app-passwords-not-used-90');

    await page.getByLabel('Last use').selectOption({ label: 'Never used' });
    await poll(() => names()).toEqual(['Unused scanner']);

    await page.getByLabel('Last use').selectOption({ label: 'Not used for 90 days' });
    await poll(async () => (await names()).sort()).toEqual(['Stale printer', 'Unused scanner']);
    await page.getByRole('button', { name: 'Delete all matching' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.locator('[data-test="count"]').textContent()).toContain('2 app passwords will stop working at once.');
    await dialog.getByLabel('Reason').fill('Not used for 90 days');
    await dialog.getByRole('button', { name: 'Yes, delete 2 app passwords' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: '2 app passwords deleted.' }).isVisible()).toBe(true);
    await page.getByLabel('Last use').selectOption({ label: 'Any time' });
    await poll(() => names()).toEqual(['Recent mail app']);
    expect(await checkAppPassword(user.email, stale.password)).toBe(401);
    expect(await checkAppPassword(user.email, unused.password)).toBe(401);
    expect(await checkAppPassword(user.email, recent.password)).toBe(204);
  });

  it('overview, audit log, sign-in log and API tokens: charts, filters, CSV, a token shown once, all accessible', async () => {
    const { admin, user } = await tenantWithAdminAndUser(server);
    const appPassword = await createAppPassword(server, user, { name: 'Mail' });
    expect(await checkAppPassword(user.email, appPassword.password)).toBe(204);
    expect(await checkAppPassword(user.email, 'wrong-password-wrong-passwor')).toBe(401);
    await server.app.services.signInLog.flush();

    const page = await signedInPage(admin);

    await page.goto('/admin/overview');
    const signIns = page.locator('[data-test="sign-in-chart"]');
    await poll(() => signIns.getAttribute('aria-label')).toMatch(/: 1 app-password sign-ins succeeded and 1 failed\.$/);
    await poll(() => page.locator('[data-test="last-use-chart"]').getAttribute('aria-label')).toBe(
      'In the last 7 days: 1; 8 to 30 days ago: 0; More than 30 days ago: 0; Never used: 0',
    );
    await review(page, 'admin-overview');

    await page.goto('/admin/audit');
    await poll(() => page.locator('[data-test="audit"]').textContent()).toContain('App password created');
    await page.getByLabel('Action').selectOption({ label: 'Policy changed' });
    await poll(() => page.getByText('No events match.').isVisible()).toBe(true);
    await page.getByLabel('Action').selectOption({ label: 'App password created' });
    await poll(() => page.locator('[data-test="audit"]').textContent()).toContain('“Mail”');
    const auditCsv = await page.evaluate(
      async (href) => {
        const response = await fetch(href);
        return { status: response.status, text: await response.text() };
      },
      (await page.locator('[data-test="csv"]').getAttribute('href'))!,
    );
    expect(auditCsv.status).toBe(200);
    expect(auditCsv.text.split('\n')[0]).toMatch(/^"id","occurredAt","action"/);
    expect(auditCsv.text).toContain('app_password.created');
    expect(auditCsv.text).not.toContain('user.created');
    await review(page, 'admin-audit');

    await page.goto('/admin/sign-ins');
    const log = page.locator('[data-test="sign-ins"] tbody tr');
    // Console sign-ins are in the log beside the apps' checks.
    await poll(() => log.filter({ hasText: /Password/ }).count()).toBeGreaterThan(0);
    await page.getByLabel('Method').selectOption({ label: 'App password' });
    await poll(() => log.count()).toBe(2);
    await page.getByLabel('Outcome').selectOption({ label: 'Wrong password' });
    await poll(() => log.count()).toBe(1);
    expect(await page.locator('[data-test="csv"]').getAttribute('href')).toBe(
      '/export/sign-ins.csv?outcome=WRONG_PASSWORD&method=APP_PASSWORD',
    );
    await review(page, 'admin-sign-ins');

    await page.goto('/admin/api-tokens');
    await poll(() => page.getByText('There are no API tokens.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'New API token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Nightly report');
    await dialog.getByRole('checkbox', { name: /Read the user list/ }).check();
    await snapshot(page, 'admin-api-token-create');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Create' }).click();
    const shown = dialog.locator('[data-test="token"]');
    await poll(() => shown.isVisible()).toBe(true);
    const token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^apt_[A-Za-z0-9_-]{43}$/);
    await snapshot(page, 'admin-api-token-created');
    await expectAccessible(page);

    const asToken = () => graphqlWithAuthorization<AdminUsersQuery>(server, `Bearer ${token}`, AdminUsersDocument, { first: 5 });
    expect((await asToken()).data?.users.edges).toHaveLength(2);

    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => page.locator('[data-test="api-token"]').textContent()).toContain('users:read');
    expect(await page.content()).not.toContain(token);
    await review(page, 'admin-api-tokens');
    await page.getByRole('button', { name: 'Revoke API token Nightly report' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, revoke' }).click();
    await poll(() => page.getByText('There are no API tokens.').isVisible()).toBe(true);
    expect((await asToken()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }, 60_000);

  it('an admin with a password alone is taken to set up an authenticator app on the way to the admin pages, then gets there', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createUser(server.db, tenant, { role: Role.TENANT_ADMIN });
    const page = await signedInPage(admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL((url) => url.pathname === '/security-info' && url.searchParams.get('next') === '/admin/overview');
    await poll(() => page.locator('[data-test="admin-two-step"]').textContent()).toBe(
      'Your organisation requires admins to use two-step verification. Set up an authenticator app to open the admin pages.',
    );
    const dialog = page.getByRole('dialog', { name: 'Set up an authenticator app' });
    const secret = dialog.locator('[data-test="totp-secret"]');
    await poll(() => secret.isVisible()).toBe(true);
    await review(page, 'admin-two-step-required');

    // Typing /admin/… directly leads here too.
    await page.goto('/admin/policy');
    await page.waitForURL((url) => url.pathname === '/security-info' && url.searchParams.get('next') === '/admin/policy');
    await poll(() => secret.isVisible()).toBe(true);
    await dialog.getByLabel('Code', { exact: true }).fill(totpCode((await secret.textContent())!.replace(/\s/g, '')));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await poll(() => dialog.locator('[data-test="recovery-codes"] li').count()).toBe(10);
    await dialog.getByRole('button', { name: 'Done' }).click();

    await poll(() => page.locator('[data-test="admin-two-step"]').count()).toBe(0);
    await page.getByRole('link', { name: 'Continue to the admin pages' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/policy');
    await poll(() => page.getByRole('checkbox', { name: 'Admins need two-step verification' }).isChecked()).toBe(true);
  });

  it('a user sees no Admin link, and /admin sends them to their security info', async () => {
    const { user } = await tenantWithAdminAndUser(server);
    const page = await signedInPage(user);
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto('/admin/policy');
    await page.waitForURL((url) => url.pathname === '/security-info');
    await poll(() => page.getByRole('heading', { name: 'Security info' }).isVisible()).toBe(true);
  });
});
