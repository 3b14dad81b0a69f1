import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, type TestUser } from '../support/factories.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { launchBrowser, newContext, snapshot, WEB_DIST } from './browser.js';

/*
 * The console and the mails speak the language the user saved (issue 14):
 * the console reads it with the viewer once they sign in, and its language
 * switch saves it, so the next mail is in it too. A real SMTP server on
 * loopback receives the mails.
 */

/** The browser renders on a shared 2-core machine: give UI changes time to appear (expect.poll's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

let smtp: TestSmtpServer;
let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({
    webDistDir: WEB_DIST,
    smtp: smtp.settings,
    mailFrom: 'App Passwords <no-reply@apps.example.com>',
    publicUrl: 'https://apps.example.com',
  });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.stop();
});

const savedLanguage = async (user: TestUser) =>
  ((await server.db.query('SELECT language FROM users WHERE id = $1', [user.id])) as Array<{ language: string }>)[0]!.language;

/** The subject of the newest mail to `user`, once `count` have arrived. */
async function subjectOfMail(user: TestUser, count: number): Promise<string | undefined> {
  const mails = await smtp.waitForMails(user.email, count);
  expect(mails).toHaveLength(count);
  return mails.at(-1)!.parsed.subject;
}

async function signInInEnglish(page: Page, user: TestUser) {
  await page.goto('/security-info');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/security-info');
}

describe('the language a user saved', () => {
  it('is the console’s once they sign in; switching saves it, and the next mail is in it', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    // Chose Dutch in the console before, on another browser.
    await server.db.query(`UPDATE users SET language = 'nl', language_chosen = true WHERE id = $1`, [user.id]);

    // An English browser that never chose: English until the console knows who it is.
    const context = await newContext(browser, server.url, 'en-GB');
    const page = await context.newPage();
    await signInInEnglish(page, user);
    await poll(() => page.getByRole('button', { name: 'Afmelden' }).isVisible()).toBe(true);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Beveiligingsgegevens');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl-NL');
    await snapshot(page, 'language-saved-dutch');

    // A page load of another page starts from the session too.
    await page.evaluate(() => localStorage.clear());
    await page.goto('/admin');
    await page.waitForURL((url) => url.pathname === '/security-info');
    await poll(() => page.getByRole('button', { name: 'Afmelden' }).isVisible()).toBe(true);

    // Switching saves the choice: the next mail is in English.
    await page.getByRole('combobox', { name: 'Taal' }).selectOption('en');
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await poll(() => savedLanguage(user)).toBe('en');
    await createAppPassword(server, user, { name: 'Laptop' });
    expect(await subjectOfMail(user, 1)).toBe('New app password “Laptop” on your account');

    // And back: Dutch again, in the console and in the mail.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('nl');
    await poll(() => savedLanguage(user)).toBe('nl');
    await createAppPassword(server, user, { name: 'Telefoon' });
    expect(await subjectOfMail(user, 2)).toBe('Nieuw app-wachtwoord ‘Telefoon’ voor je account');
    await context.close();
  });

  it('a user who never chose: the console keeps the browser’s language, and their mails stay in English', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const context = await newContext(browser, server.url, 'nl-NL');
    const page = await context.newPage();
    await page.goto('/security-info');
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('E-mailadres').fill(user.email);
    await page.getByLabel('Wachtwoord').fill(user.password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL((url) => url.pathname === '/security-info');
    await poll(() => page.getByRole('button', { name: 'Afmelden' }).isVisible()).toBe(true);
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Beveiligingsgegevens');
    expect(await savedLanguage(user)).toBe('en');
    await createAppPassword(server, user, { name: 'Laptop' });
    expect(await subjectOfMail(user, 1)).toBe('New app password “Laptop” on your account');
    await context.close();
  });
});
