import { describe, expect, it } from 'vitest';
import { takeCspViolations } from './browser.js';
import { consoleInBrowser } from './console.js';

const { openPage } = consoleInBrowser();

describe("the console's Content-Security-Policy", () => {
  it('Chromium enforces it: injected inline script and style are refused, and reported', async () => {
    const page = await openPage();
    const context = page.context();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(takeCspViolations(context)).toEqual([]); // the console itself needs nothing inline

    const injected = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true;';
      document.head.append(script);
      const box = document.createElement('div');
      box.setAttribute('style', 'width: 123px');
      document.body.append(box);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ran: (window as { injected?: boolean }).injected === true, width: box.getBoundingClientRect().width };
    });
    expect(injected.ran).toBe(false);
    expect(injected.width).not.toBe(123);
    const reported: string[] = [];
    const refused = () => {
      reported.push(...takeCspViolations(context));
      return { script: reported.some((m) => m.includes("'script-src")), style: reported.some((m) => m.includes("'style-src")) };
    };
    await expect.poll(refused, { timeout: 5_000 }).toEqual({ script: true, style: true });
    await context.close();
  });
});
