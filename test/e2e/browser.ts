import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, onTestFinished } from 'vitest';
import { requirementPath } from '../support/requirements.js';
import { recordCookies, recordSecretsIn } from '../support/secrets.js';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts', import.meta.url));
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** The browser `pnpm test` found (CHROMIUM_PATH, else Chromium or Chrome on PATH: support/requirements.ts), headless, with nothing reaching out to the network. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: requirementPath('chromium'),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

const cspViolations = new WeakMap<BrowserContext, string[]>();

/**
 * A browser context for the test that calls it (inside the test, not in a
 * hook). Every Content-Security-Policy violation that Chromium reports on the
 * console of any of its pages fails that test. Outside a test (the
 * benchmark), `{ inTest: false }`: nothing to fail.
 */
export async function newContext(
  browser: Browser,
  baseURL: string,
  locale = 'en-GB',
  options: { inTest: boolean; timezoneId?: string } = { inTest: true },
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, locale, timezoneId: options.timezoneId, viewport: { width: 1200, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const violations: string[] = [];
  cspViolations.set(context, violations);
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  if (options.inTest) {
    onTestFinished(() => {
      expect(violations, 'Content-Security-Policy violations reported by Chromium').toEqual([]);
    });
  }
  recordBrowserSecrets(context);
  return context;
}

/** The CSP violations reported so far, which then no longer fail the test (for a test that causes them on purpose). */
export function takeCspViolations(context: BrowserContext): string[] {
  return cspViolations.get(context)?.splice(0) ?? [];
}

/**
 * What the console sends and is shown (passwords typed, app passwords
 * created, the session cookie) is recorded for the end-of-run scan of the
 * server logs (support/secrets.ts).
 */
function recordBrowserSecrets(context: BrowserContext): void {
  context.on('request', (request) => {
    if (!request.url().endsWith('/graphql')) return;
    try {
      recordSecretsIn(request.postDataJSON()?.variables);
    } catch {
      // not JSON: nothing of ours
    }
  });
  context.on('response', (response) => {
    if (!response.url().endsWith('/graphql')) return;
    void response
      .allHeaders()
      .then((headers) => recordCookies(headers['set-cookie']))
      .then(() => response.json())
      .then((body: { data?: unknown }) => recordSecretsIn(body.data))
      .catch(() => undefined); // the page went away before the body was read
  });
}

/**
 * Saves a screenshot of the whole page as a test artifact (test/e2e/artifacts/, git-ignored), as someone scrolling
 * through it sees it: rows the browser renders only near the screen (`content-visibility: auto`) are rendered for it.
 */
export async function snapshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const deferred = await page.evaluate(() => {
    const found = Array.from(document.querySelectorAll<HTMLElement>('*')).filter((e) => getComputedStyle(e).contentVisibility === 'auto');
    found.forEach((e) => (e.style.contentVisibility = 'visible'));
    return found.length;
  });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (deferred > 0)
    await page.evaluate(() => document.querySelectorAll<HTMLElement>('*').forEach((e) => e.style.removeProperty('content-visibility')));
}

/** Runs axe-core in the page and fails on any serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target) }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}
