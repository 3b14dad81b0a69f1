import { createWebHistory } from 'vue-router';
import { createConsole } from './console';
import { takeAnswerFromPage, takingFirstAnswer } from './graphql/first-request';
import { LOCALE_COOKIE, TIME_ZONE_COOKIE, isLocale, preferredLocale, type Locale } from './i18n';
import './styles.css';

const YEAR = 365 * 24 * 3600;

function readCookie(name: string): string | undefined {
  const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return found === undefined ? undefined : decodeURIComponent(found.slice(name.length + 1));
}

/** Kept for a year, sent on page loads (the server renders the page in them), never to other sites' requests. */
function rememberInCookie(name: string, value: string): void {
  const secure = location.protocol === 'https:' ? '; secure' : '';
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=${YEAR}; samesite=lax${secure}`;
}

function languageSwitched(locale: Locale): void {
  rememberInCookie(LOCALE_COOKIE, locale);
  document.documentElement.lang = locale === 'nl' ? 'nl-NL' : 'en';
}

const root = document.getElementById('app')!;
// The server rendered the page (a signed-in page load of the security-info page): it says in what language and time
// zone, and the app takes the page over in exactly those (anything else would not match what is shown).
const rendered = isLocale(root.dataset.locale) ? { locale: root.dataset.locale, timeZone: root.dataset.timeZone } : undefined;
const ownTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const { app, router, languages, format } = createConsole({
  history: createWebHistory(),
  fetch: takingFirstAnswer(takeAnswerFromPage, (input, init) => fetch(input, init)),
  serverRendered: rendered !== undefined,
  timeZone: rendered?.timeZone,
  languageSwitched,
});
// Before this cookie, the choice was kept in localStorage under the same name.
const startLocale =
  rendered?.locale ?? preferredLocale(readCookie(LOCALE_COOKIE) ?? localStorage.getItem(LOCALE_COOKIE) ?? undefined, navigator.languages);

// Installing the router started the first navigation (its guard sends the page's request, or takes the answer the
// server put into the page) while a Dutch visitor's messages load; the app shows once they are there, so nobody sees
// English first. Taking over the server's HTML waits for the navigation too: the page must be the one rendered.
void Promise.all([languages.setLocale(startLocale), rendered && router.isReady()]).then(() => {
  app.mount('#app');
  // From now on dates show in this browser's zone, and the server renders the next page load in it.
  if (format.timeZone.value !== undefined && format.timeZone.value !== ownTimeZone) format.timeZone.value = ownTimeZone;
  rememberInCookie(TIME_ZONE_COOKIE, ownTimeZone);
  // While the page's request is in flight, the page then renders with them ready. (When its answer is in already,
  // the page renders first and makes the ones it needs itself.)
  setTimeout(() => format.warm());
});
