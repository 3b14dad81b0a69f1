import { createMemoryHistory } from 'vue-router';
import { renderToString } from 'vue/server-renderer';
import { createConsole } from './console';
import { takingFirstAnswer } from './graphql/first-request';
import { LOCALE_COOKIE, TIME_ZONE_COOKIE, preferredLocale, type Locale } from './i18n';

/** The cookies a page load's rendering reads (the server passes these and no others). */
export const PAGE_COOKIES = [LOCALE_COOKIE, TIME_ZONE_COOKIE];

/** A page load the server renders the console for (server/src/modules/console/). */
export interface PageLoad {
  /** The path and query asked for. */
  url: string;
  /** The answer to the console's first request for this visitor, as /graphql sends it. */
  answer: string;
  /** The request's `PAGE_COOKIES`, by name. */
  cookies: Readonly<Record<string, string | undefined>>;
  acceptLanguage: string | undefined;
}

/** The console's HTML for the page, and the language and time zone it is in (the browser's app takes it over in them). */
export interface RenderedPage {
  html: string;
  locale: Locale;
  timeZone: string;
}

/** A zone this runtime knows, else UTC (the cookie is the browser's word, so anything may be in it). */
function knownTimeZone(zone: string | undefined): string {
  if (!zone || zone.length > 64) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** The requests the page makes besides the first (recent sign-ins, account activity) are the browser's to send: here they stay pending, so they render as loading, as they do in the browser when it takes the page over. */
const pending = () => new Promise<Response>(() => {});

/**
 * Renders the security-info page for the visitor `load.answer` was made for,
 * as the browser's console would render it on that page load; undefined when
 * the console would show another page instead (signed out, a password to
 * choose first), which the browser then renders itself.
 */
export async function renderPage(load: PageLoad): Promise<RenderedPage | undefined> {
  const timeZone = knownTimeZone(load.cookies[TIME_ZONE_COOKIE]);
  const { app, router, languages } = createConsole({
    history: createMemoryHistory(),
    fetch: takingFirstAnswer(() => load.answer, pending),
    serverRendered: true,
    timeZone,
  });
  const browserLanguages = (load.acceptLanguage ?? '').split(',').map((l) => l.split(';')[0] ?? '');
  await languages.setLocale(preferredLocale(load.cookies[LOCALE_COOKIE], browserLanguages));
  await router.push(load.url);
  if (router.currentRoute.value.name !== 'security-info') return undefined;
  const html = await renderToString(app);
  return { html, locale: languages.i18n.global.locale.value, timeZone };
}
