import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFinished } from 'vitest';
import type { TestUser } from '../support/factories.js';
import { testServerForFile, type TestServer } from '../support/test-server.js';
import { expectAccessible, launchBrowser, newContext, snapshot, WEB_DIST } from './browser.js';
import { signInThroughConsole } from './sign-in.js';

/** The browser renders on a shared 2-core machine: give UI changes time to appear (expect.poll's default is 1 s). */
export const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

export interface ConsoleInBrowser {
  /** The server serving the built console; its fields are there from the file's first test on. */
  server: TestServer;
  /**
   * A signed-out page in a browser context of its own, closed when the test ends (its CSP violations fail the test);
   * in the machine's time zone unless `timezoneId` names another.
   */
  openPage(locale?: string, timezoneId?: string): Promise<Page>;
  /**
   * A signed-in user's browser page: signed in through the console's own
   * sign-in page (with their code, if they have two-step), on their
   * security-info page; `nl-NL` for a Dutch browser.
   */
  signedInPage(user: TestUser, locale?: 'en-GB' | 'nl-NL'): Promise<Page>;
}

/**
 * The console in a browser for the tests of the file that calls this (at its
 * top level): one test server serving the built console and one Chromium,
 * started before the file's first test and stopped after its last.
 */
export function consoleInBrowser(): ConsoleInBrowser {
  const server = testServerForFile({ webDistDir: WEB_DIST });
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const openPage = async (locale?: string, timezoneId?: string) => {
    const context = await newContext(browser!, server.url, locale, { inTest: true, timezoneId });
    onTestFinished(() => context.close());
    return context.newPage();
  };
  return {
    server,
    openPage,
    signedInPage: async (user, locale = 'en-GB') => {
      const page = await openPage(locale);
      await signInThroughConsole(page, server, user, locale === 'nl-NL' ? 'nl' : 'en');
      return page;
    },
  };
}

/** Checks the page with axe and saves it at desktop width and at a phone's 390 px. */
export async function review(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await snapshot(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await snapshot(page, `${name}-phone`);
  await expectAccessible(page);
  await page.setViewportSize({ width: 1200, height: 800 });
}
