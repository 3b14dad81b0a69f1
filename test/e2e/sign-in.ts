import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from '../support/factories.js';
import type { TestServer } from '../support/test-server.js';
import { forgetLastCode, totpCode } from '../support/two-step.js';

/**
 * Signs `user` in through the console's own sign-in page, with the code of
 * their authenticator app when they have one, and waits for their
 * security-info page.
 */
export async function signInThroughConsole(page: Page, server: Pick<TestServer, 'db'>, user: TestUser): Promise<void> {
  await page.goto('/security-info');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (user.twoStep) {
    await forgetLastCode(server.db, user.id);
    await page.getByLabel('Code', { exact: true }).fill(totpCode(user.twoStep.secret));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  // Not a regular expression on the URL: the sign-in page's own `?next=/security-info` would match it.
  await page.waitForURL((url) => url.pathname === '/security-info');
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible(), { timeout: 15_000, interval: 100 }).toBe(true);
}
