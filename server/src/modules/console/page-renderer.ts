import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCookie } from 'cookie';
import type express from 'express';
import { escapeHtml } from '../../common/text.js';

/** What the console's server build exports (web/src/entry-server.ts). */
interface ConsoleServerBuild {
  PAGE_COOKIES: readonly string[];
  renderPage(load: {
    url: string;
    answer: string;
    cookies: Readonly<Record<string, string | undefined>>;
    acceptLanguage: string | undefined;
  }): Promise<{ html: string; locale: string; timeZone: string } | undefined>;
}

/** The console's HTML for a page load, and the `#app` element's attributes that tell the browser what it was rendered in. */
export interface RenderedPage {
  html: string;
  attributes: string;
}

/** Renders a page load's page for the caller its first answer was made for; undefined when the browser should render it itself. */
export type RenderPage = (req: express.Request, answer: string) => Promise<RenderedPage | undefined>;

/** The server build sits beside the browser's: `pnpm build` in web/ writes both (web/package.json). */
const ENTRY = path.join('..', 'dist-ssr', 'entry-server.js');

/**
 * The console's server renderer for the build in `distDir`: the same
 * components, router guard and messages as the browser's console, run here on
 * the first request's answer, so that a page load shows the security-info page
 * before any script has run, and the browser's console then takes that HTML
 * over (hydration) instead of rendering it again. The build is imported once:
 * a process imports a module once, and its chunks import the entry by name.
 * When the build has changed since (a new `pnpm build` under a running
 * server), its HTML would not be the new page's, so nothing is rendered until
 * a restart. Without a server build (an older build, `pnpm dev`) there is
 * nothing to render with either, and the browser renders as it always did.
 */
export function createPageRenderer(distDir: string): RenderPage {
  const entry = path.resolve(distDir, ENTRY);
  let loaded: { modified: number; build: Promise<ConsoleServerBuild> } | undefined;

  async function build(): Promise<ConsoleServerBuild | undefined> {
    let modified: number;
    try {
      modified = (await stat(entry)).mtimeMs;
    } catch {
      return undefined;
    }
    loaded ??= { modified, build: import(pathToFileURL(entry).href) as Promise<ConsoleServerBuild> };
    return loaded.modified === modified ? loaded.build : undefined;
  }

  return async (req, answer) => {
    const renderer = await build();
    if (!renderer) return undefined;
    const sent = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
    const cookies = Object.fromEntries(renderer.PAGE_COOKIES.map((name) => [name, sent[name]]));
    const page = await renderer.renderPage({ url: req.originalUrl, answer, cookies, acceptLanguage: req.headers['accept-language'] });
    if (!page) return undefined;
    return {
      html: page.html,
      attributes: ` data-locale="${escapeHtml(page.locale)}" data-time-zone="${escapeHtml(page.timeZone)}"`,
    };
  };
}
