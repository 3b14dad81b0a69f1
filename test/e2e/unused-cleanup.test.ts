import { describe, expect, it } from 'vitest';
import { insertAppPassword } from '../support/admin.js';
import { createAdmin, createTenant, createUser } from '../support/factories.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);

const { server, signedInPage } = consoleInBrowser();

describe('revoking unused app passwords in the console (issue 14)', () => {
  it('an admin sees the dry run as they pick the days, saves, and the owner reads the notice in their account activity', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const owner = await createUser(server.db, tenant);
    await insertAppPassword(server.db, owner, { name: 'Old printer', createdAt: daysAgo(400), lastUsedAt: daysAgo(200) });
    await insertAppPassword(server.db, owner, { name: 'Scanner', createdAt: daysAgo(100) });
    await insertAppPassword(server.db, owner, { name: 'Phone', createdAt: daysAgo(400), lastUsedAt: daysAgo(3) });

    const page = await signedInPage(admin);
    await page.goto('/admin/policy');
    const revoke = page.getByRole('checkbox', { name: 'Revoke app passwords that are not used' });
    await poll(() => revoke.isVisible()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Remind owners before an app password expires' }).isChecked()).toBe(true);

    await revoke.check();
    const days = page.getByRole('spinbutton', { name: 'Not used for (days)' });
    const dryRun = page.locator('[data-test="unused-preview"]');
    // 180 days at first: only the printer; 90: the scanner too (never used, made 100 days ago). The phone is in use.
    await poll(() => dryRun.textContent()).toContain('1 app password of 1 user would be revoked on');
    await days.fill('90');
    await poll(() => dryRun.textContent()).toContain('2 app passwords of 1 user would be revoked on');
    await snapshot(page, 'admin-policy-unused');
    await expectAccessible(page);

    await days.fill('20');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.getByText('Enter a whole number of days from 30 to 730.').isVisible()).toBe(true);
    await days.fill('90');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'The policy has been saved.' }).isVisible()).toBe(true);
    const [policy] = await server.db.query('SELECT revoke_unused_after_days FROM tenant_policies WHERE tenant_id = $1', [tenant.id]);
    expect(policy.revoke_unused_after_days).toBe(90);
    await page.context().close();

    // The daily job, as every instance runs it: notices today, nothing revoked yet.
    expect(await server.app.services.appPasswordCleanup.runDue({ tenantIds: [tenant.id] })).toMatchObject({ noticed: 2, revoked: 0 });

    const ownerPage = await signedInPage(owner);
    const events = ownerPage.locator('[data-test="account-event"]');
    await poll(() => events.filter({ hasText: 'Scanner' }).textContent()).toContain(
      'Unused app password: revocation announced: Scanner — not used for 100 days: it will be revoked on',
    );
    expect(await events.filter({ hasText: 'Old printer' }).textContent()).toContain('unless an app signs in with it before then');
    await snapshot(ownerPage, 'user-unused-notice');
    await expectAccessible(ownerPage);
  });
});
