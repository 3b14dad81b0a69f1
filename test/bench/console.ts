/**
 * Figures 9–10: the console — how much JavaScript and CSS it loads before
 * anything shows, and how long /security-info takes to show the list in
 * headless Chromium, against a static file from the same server. See
 * README.md beside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, WEB_DIST } from '../e2e/browser.js';
import { traceFirstVisits } from './console-trace.js';
import { BenchClient } from './graphql.js';
import { percentile } from './load-generator.js';
import type { Credential } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import { fixed, kB, ms, passOrMiss, type Table } from './table.js';

export { WEB_DIST };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the console's build reads (vite compiles @app-passwords/schema from source). */
const BUILD_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'web/public', 'schema/src'];
/**
 * Rounds of navigations. With 10, figure 10a read 1.5 to 2.7 across runs of one build (its static file alone took
 * 82 to 156 ms in them); with 20, 1.7 to 2.1 (bench README, "Measured (stop 19 …)").
 */
const NAVIGATIONS = Number(process.env.BENCH_NAVIGATIONS ?? 20);
/** Issue 15's budgets: the initial JavaScript, gzipped, and a first visit's list against a static file from the same server. */
const JS_BUDGET_BYTES = 100_000;
const FIRST_VISIT_BUDGET = 2.5;
const LIST_HEADING = String.raw`\d+ of \d+ app passwords`;

export interface ConsoleBuild {
  /** How web/dist came to be measured, for the report. */
  how: string;
}

/**
 * Builds the console unless web/dist is newer than everything it is built
 * from. Returns undefined (and says why) when there is nothing to measure.
 */
export function ensureConsoleBuilt(log: (line: string) => void): ConsoleBuild | undefined {
  const index = path.join(WEB_DIST, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const newest = Math.max(...BUILD_INPUTS.map((input) => newestMtime(path.join(ROOT, input))));
  if (builtAt > newest) return { how: 'web/dist reused (newer than its sources)' };
  log('bench: building the console (pnpm --filter @app-passwords/web build) …');
  const build = spawnSync('pnpm', ['--filter', '@app-passwords/web', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status === 0) return { how: 'web/dist built by this run' };
  if (builtAt > 0) {
    log('bench: WARNING the console build failed; measuring the older web/dist');
    return { how: 'web/dist OLDER than its sources: the build failed' };
  }
  log('bench: WARNING the console build failed and there is no web/dist; skipping figures 9–10');
  return undefined;
}

function newestMtime(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file, { recursive: true }).map((f) => statSync(path.join(file, String(f))).mtimeMs));
}

/** Gzipped size (node:zlib, default level) of a built asset, by its URL path (`/assets/…`). */
function gzippedSize(urlPath: string): number {
  return gzipSync(readFileSync(path.join(WEB_DIST, urlPath))).length;
}

/** What index.html makes the browser load before the app runs: the entry script, its modulepreloads, the stylesheets. */
function initialAssets(): { js: string[]; css: string[] } {
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const js: string[] = [];
  const css: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const url = tag.startsWith('<script') ? attr('src') : attr('rel') === 'modulepreload' ? attr('href') : undefined;
    if (url && !js.includes(url))
      js.push(url); // a script may also be named by a modulepreload: count it once
    else if (attr('rel') === 'stylesheet') css.push(attr('href')!);
  }
  return { js, css };
}

/** Where one navigation's time went, on the page's own clock (ms since the navigation started). */
interface ListTiming {
  /** On our clock: page.goto until the heading is visible. */
  ms: number;
  /** When the page first showed the heading, to the frame. */
  visible: number;
  /** Undefined when the list showed first (the page, rendered by the server, shows before the scripts have run). */
  domContentLoaded: number | undefined;
  graphql: Array<[start: number, end: number]>;
  /** When index.html began to arrive and ended (a signed-in page load streams it: the answer comes last), the entry script's and the last script's. */
  htmlStart: number;
  html: number;
  entryScript: number;
  lastScript: number;
}

/** Runs in the page (hence `window.performance`, not node's). */
function pageTimings(): Omit<ListTiming, 'ms' | 'visible'> {
  const navigation = window.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const graphql = (window.performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((r) => new URL(r.name).pathname === '/graphql')
    .map((r): [number, number] => [r.startTime, r.responseEnd]);
  const scripts = (window.performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.endsWith('.js'));
  const entry = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src;
  return {
    domContentLoaded: navigation.domContentLoadedEventEnd || undefined,
    graphql,
    htmlStart: navigation.responseStart,
    html: navigation.responseEnd,
    entryScript: scripts.find((r) => r.name === entry)?.responseEnd ?? NaN,
    lastScript: Math.max(...scripts.map((r) => r.responseEnd)),
  };
}

/**
 * Installed in the page before a visit (an init script, run at the document's start): looks each animation frame for a
 * visible heading matching `pattern`, and tells the bench when it shows (page clock) through the `benchListVisible`
 * binding. In the page, so that waiting costs the page nothing: Playwright's `waitForFunction` first evaluates its
 * injected script, 35–40 ms of a fresh page's main thread in the middle of the visit (seen in traces: the scripts'
 * responses were handled only after it), which the static file's visit does not pay. (Its `locator.waitFor` backs off
 * to polling every 500 ms, which would blur the figure.)
 */
function watchForList(pattern: string): void {
  const look = () => {
    const heading = Array.from(document.querySelectorAll('h1, h2, h3')).find(
      (h) => new RegExp(pattern).test(h.textContent ?? '') && h.checkVisibility(),
    );
    if (heading) void (window as unknown as { benchListVisible(at: number): Promise<void> }).benchListVisible(window.performance.now());
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

/** Medians of each step, page clock. */
function breakdown(timings: ListTiming[]): string {
  const at = (f: (t: ListTiming) => number | undefined) => {
    const values = timings.map(f).filter((v): v is number => v !== undefined);
    return Math.round(percentile(values, 50));
  };
  const requests = Math.max(...timings.map((t) => t.graphql.length));
  const graphql = Array.from({ length: requests }, (_, i) => `${at((t) => t.graphql[i]?.[0])}–${at((t) => t.graphql[i]?.[1])}`);
  const later = timings.filter((t) => t.domContentLoaded === undefined).length;
  const dcl = later > timings.length / 2 ? `after the list (${later} of ${timings.length} visits)` : `${at((t) => t.domContentLoaded)} ms`;
  return `page clock, medians: index.html ${at((t) => t.htmlStart)}–${at((t) => t.html)}, entry script ${at((t) => t.entryScript)}, last script ${at((t) => t.lastScript)}, DOMContentLoaded ${dcl}, ${graphql.length > 0 ? `GraphQL requests ${graphql.join(', ')} ms` : 'no GraphQL request'}, list visible at ${at((t) => t.visible)} ms`;
}

export async function consoleFigures(
  start: () => Promise<ServerHandle>,
  person: Credential,
  build: ConsoleBuild,
  log: (line: string) => void,
): Promise<Table> {
  const initial = initialAssets();
  const jsBytes = initial.js.reduce((sum, url) => sum + gzippedSize(url), 0);
  const cssBytes = initial.css.reduce((sum, url) => sum + gzippedSize(url), 0);
  if (initial.js.length === 0) throw new Error('web/dist/index.html names no script to use as the static baseline.');
  /**
   * Figure 10a's static file: the largest script index.html names, one of the files every visit must fetch before the
   * page can do anything, fetched the same way (README.md, "The static file of 10a"). The global stylesheet is timed
   * too, for context.
   */
  const staticFile = initial.js.reduce((a, b) => (gzippedSize(b) > gzippedSize(a) ? b : a));

  const server = await start();
  let browser: Browser | undefined;
  try {
    const session = (await BenchClient.signIn(server.url, person)).cookie;
    const [name, value] = [session.slice(0, session.indexOf('=')), session.slice(session.indexOf('=') + 1)];
    browser = await launchBrowser();
    const signedIn = async () => {
      const context = await newContext(browser!, server.url, 'en-GB', { inTest: false });
      await context.addCookies([{ name, value, url: server.url }]);
      return context;
    };
    const timeList = async (page: Page) => {
      let shown!: (at: number) => void;
      const visible = new Promise<number>((resolve, reject) => {
        shown = resolve;
        setTimeout(() => reject(new Error('The list did not show within 15 s.')), 15_000).unref();
      });
      await page.exposeFunction('benchListVisible', (at: number) => shown(at));
      await page.addInitScript(watchForList, LIST_HEADING);
      const started = performance.now();
      await page.goto('/security-info', { waitUntil: 'commit' });
      const at = await visible;
      const ms = performance.now() - started;
      return { ms, visible: at, ...(await page.evaluate(pageTimings)) };
    };
    const timeStatic = async (page: Page, url: string) => {
      const started = performance.now();
      const response = await page.goto(url, { waitUntil: 'load' });
      if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}.`);
      return performance.now() - started;
    };
    const inFreshPage = async <T>(context: BrowserContext, f: (page: Page) => Promise<T>) => {
      const page = await context.newPage();
      try {
        return await f(page);
      } finally {
        await page.close();
      }
    };

    // What a first visit fetches, from an unmeasured one.
    const fetched: Array<Promise<{ path: string; encoding: string; bodyBytes: number } | undefined>> = [];
    const first = await signedIn();
    const responses = await inFreshPage(first, async (page) => {
      page.on('response', (response) => {
        const path = new URL(response.url()).pathname;
        if (!path.startsWith('/assets/')) return;
        fetched.push(
          Promise.all([response.headerValue('content-encoding'), response.request().sizes()])
            .then(([encoding, sizes]) => ({ path, encoding: encoding ?? 'identity', bodyBytes: sizes.responseBodySize }))
            .catch(() => undefined), // the page went away first
        );
      });
      await timeList(page);
      return (await Promise.all(fetched)).filter((r) => r !== undefined);
    });
    await first.close();
    const assets = (ext: string) => responses.filter((r) => r.path.endsWith(ext));
    const sent = (ext: string) => {
      const files = assets(ext);
      const encodings = [...new Set(files.map((f) => f.encoding))].join(', ');
      return `${files.length} ${ext.slice(1).toUpperCase()} files (${kB(files.reduce((sum, f) => sum + gzippedSize(f.path), 0))} gzipped; sent ${kB(files.reduce((sum, f) => sum + f.bodyBytes, 0))} as ${encodings})`;
    };
    const firstVisit = `a first visit to /security-info fetched ${sent('.js')} and ${sent('.css')}`;

    log(`bench: /security-info in headless Chromium, ${NAVIGATIONS} navigations each …`);
    const cold = { list: [] as ListTiming[], file: [] as number[], css: [] as number[] };
    const warm = { list: [] as ListTiming[], healthz: [] as number[] };
    const returning = await signedIn();
    await inFreshPage(returning, timeList); // fills its cache
    for (let round = -1; round < NAVIGATIONS; round++) {
      const steps = [
        async () => {
          const context = await signedIn();
          const t = await inFreshPage(context, timeList);
          await context.close();
          return () => cold.list.push(t);
        },
        async () => {
          const context = await signedIn();
          const t = await inFreshPage(context, (page) => timeStatic(page, staticFile));
          await context.close();
          return () => cold.file.push(t);
        },
        async () => {
          const context = await signedIn();
          const t = await inFreshPage(context, (page) => timeStatic(page, initial.css[0] ?? staticFile));
          await context.close();
          return () => cold.css.push(t);
        },
        async () => {
          const t = await inFreshPage(returning, timeList);
          return () => warm.list.push(t);
        },
        async () => {
          const t = await inFreshPage(returning, (page) => timeStatic(page, '/healthz'));
          return () => warm.healthz.push(t);
        },
      ];
      for (let i = 0; i < steps.length; i++) {
        const record = await steps[(round + 1 + i) % steps.length]!();
        if (round >= 0) record(); // round -1 is a warm-up
      }
    }
    await returning.close();
    const traced = await traceFirstVisits(browser, signedIn, timeList, log); // BENCH_TRACE_DIR only

    const median = (values: number[]) => percentile(values, 50);
    const coldList = median(cold.list.map((t) => t.ms));
    const warmList = median(warm.list.map((t) => t.ms));
    const coldRatio = coldList / median(cold.file);
    const warmRatio = warmList / median(warm.healthz);
    return {
      title: [
        `The console — ${build.how}; Chromium ${browser.version()} headless on loopback`,
        `sizes gzipped with node:zlib at its default level (kB = 1000 bytes); times from page.goto to the list heading visible, medians of ${NAVIGATIONS}, interleaved`,
      ],
      rows: [
        [
          '9. initial JS / CSS, gzipped',
          `JS ${kB(jsBytes)} in ${initial.js.length} files (${initial.js.map((u) => path.basename(u)).join(', ')}); CSS ${kB(cssBytes)}`,
          `JS ≤ ${kB(JS_BUDGET_BYTES)}`,
          passOrMiss(jsBytes <= JS_BUDGET_BYTES),
        ],
        [
          '10a. /security-info list visible ÷ static file, first visit',
          `${fixed(coldRatio)}  (${ms(coldList)} / ${ms(median(cold.file))} for ${path.basename(staticFile)}; fresh browser context each)`,
          `≤ ${fixed(FIRST_VISIT_BUDGET, 1)}`,
          passOrMiss(coldRatio <= FIRST_VISIT_BUDGET),
        ],
        [
          '10b. /security-info list visible ÷ /healthz, returning',
          `${fixed(warmRatio)}  (${ms(warmList)} / ${ms(median(warm.healthz))}; fresh page, assets cached)`,
          '–',
          'info',
        ],
      ],
      notes: [
        `context: the same for the global stylesheet ${path.basename(initial.css[0] ?? '–')} (${kB(cssBytes)} gzipped): ${ms(median(cold.css))}, ${fixed(coldList / median(cold.css))}×; the static file is ${kB(gzippedSize(staticFile))} gzipped`,
        `context: first visit, ${breakdown(cold.list)}`,
        `context: returning, ${breakdown(warm.list)}`,
        `context: ${firstVisit}`,
        ...traced,
      ],
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}
