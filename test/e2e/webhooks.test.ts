import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createTenant, createUser, signedInClient } from '../support/factories.js';
import { recordSecret } from '../support/secrets.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { expectAccessible, snapshot } from './browser.js';
import { consoleInBrowser, poll } from './console.js';
import { DisableUserDocument } from '@app-passwords/schema';

const { server, signedInPage } = consoleInBrowser();
const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

describe('webhooks in the console', () => {
  it('an admin adds an endpoint, sees its secret once, and sees a delivery arrive', async () => {
    const tenant = await createTenant(server.db);
    const admin = await createAdmin(server, tenant);
    const user = await createUser(server.db, tenant);
    const page = await signedInPage(admin);
    await page.goto(`${server.url}/admin/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText('There are no webhook endpoints.').waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog');
    // Plain http to another host is refused by the server, and the field says why.
    await dialog.getByLabel('URL').fill('http://hooks.example.com/app-passwords');
    await dialog.getByRole('checkbox', { name: /A user was disabled/ }).check();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.getByText('This URL cannot receive webhooks').waitFor();
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByLabel('Description (optional)').fill('Security dashboard');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();

    const shown = dialog.locator('[data-test="webhook-secret"]');
    await shown.waitFor();
    const secret = (await shown.textContent())!.trim();
    recordSecret(secret);
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);
    await snapshot(page, 'admin-webhooks-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const endpoint = page.locator('[data-test="webhook-endpoint"]');
    await endpoint.getByText('Security dashboard').waitFor();
    // Shown once: nowhere on the page any more, nor after a reload.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await endpoint.getByText(receiver.url).waitFor();
    expect(await page.content()).not.toContain(secret);

    // The event: the admin disables the user (here through the API the console uses).
    const console = await signedInClient(server, admin);
    const disabled = await console.request(DisableUserDocument, { id: user.id });
    expect(disabled.errors).toBeUndefined();
    await poll(() => receiver.received.length).toBe(1);
    expect(receiver.received[0]!.payload).toMatchObject({ type: 'user.disabled', data: { user: { id: user.id } } });

    await endpoint.getByRole('button', { name: 'Deliveries' }).click();
    const row = page.locator('[data-test="webhook-delivery"]');
    await poll(async () => (await row.count()) === 1 && (await row.textContent())!.includes('Delivered')).toBe(true);
    expect(await row.textContent()).toContain('user.disabled');
    expect(await row.textContent()).toContain('204');
    await expectAccessible(page);
    await snapshot(page, 'admin-webhooks');
  });
});
