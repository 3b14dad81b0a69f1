import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from '../support/factories.js';
import type { TestServer } from '../support/test-server.js';
import { forgetLastCode, totpCode } from '../support/two-step.js';

/** What the sign-in page and the header call things, in the console's languages. */
const LABELS = {
  en: { email: 'Email', password: 'Password', signIn: 'Sign in', code: 'Code', verify: 'Verify', signOut: 'Sign out' },
  nl: { email: 'E-mailadres', password: 'Wachtwoord', signIn: 'Aanmelden', code: 'Code', verify: 'Verifiëren', signOut: 'Afmelden' },
};

/**
 * Signs `user` in through the console's own sign-in page (in the page's
 * language: English, or Dutch), with the code of their authenticator app when
 * they have one, and waits for their security-info page.
 */
export async function signInThroughConsole(
  page: Page,
  server: Pick<TestServer, 'db'>,
  user: TestUser,
  language: keyof typeof LABELS = 'en',
): Promise<void> {
  const labels = LABELS[language];
  await page.goto('/security-info');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel(labels.email).fill(user.email);
  await page.getByLabel(labels.password).fill(user.password);
  await page.getByRole('button', { name: labels.signIn }).click();
  if (user.twoStep) {
    await forgetLastCode(server.db, user.id);
    await page.getByLabel(labels.code, { exact: true }).fill(totpCode(user.twoStep.secret));
    await page.getByRole('button', { name: labels.verify }).click();
  }
  // Not a regular expression on the URL: the sign-in page's own `?next=/security-info` would match it.
  await page.waitForURL((url) => url.pathname === '/security-info');
  await expect.poll(() => page.getByRole('button', { name: labels.signOut }).isVisible(), { timeout: 15_000, interval: 100 }).toBe(true);
}
