/**
 * The first-visit script: a small classic script that index.html loads `async`
 * beside the console's module scripts (web/vite.config.ts builds it on its own
 * and names it there). It runs as soon as it arrives, while the console's
 * scripts are still loading and being compiled, and starts two things the
 * console would otherwise start only after all of that:
 *
 * - On a page load of the security-info page, the `SecurityInfo` request the
 *   router's guard sends first (features/sign-in/useSession.ts), byte for byte
 *   as the console's client sends it; the client takes its answer instead of
 *   sending the same request again (graphql/first-request.ts).
 * - A worker (this same file) that loads the visitor's Intl locale data. That
 *   data is per process: once the worker has it, the page's own first date
 *   formatter costs well under a millisecond instead of tens of milliseconds
 *   on the main thread (i18n/index.ts).
 *
 * Without this script (`pnpm dev`, or a browser that blocks it) the console
 * works as before: it sends its own request and loads the locale data itself.
 */
import { dateTimeFormats, initialLocale, intlTag } from './i18n/locale';

/** Where the router's guard asks for `SecurityInfo` first: its page, and `/`, which redirects there (router.ts). */
const SECURITY_INFO_PATHS = new Set(['/', '/security-info']);

if (typeof document === 'undefined') {
  // In the worker: the locale's data, loaded by making each format the console uses once.
  for (const options of Object.values(dateTimeFormats)) new Intl.DateTimeFormat(self.name, options).format(0);
  new Intl.NumberFormat(self.name).format(0);
  self.close();
} else {
  // `undefined` until the console's client sends its first request (then null): after that, this would be a copy.
  if (window.firstRequest === undefined && SECURITY_INFO_PATHS.has(location.pathname)) {
    const body = __FIRST_REQUEST_BODY__;
    const response = fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
        'content-type': 'application/json',
      },
      body,
    });
    response.catch(() => {}); // the client sends its own request then
    window.firstRequest = { body, response };
  }
  const script = document.currentScript;
  if (script instanceof HTMLScriptElement) new Worker(script.src, { name: intlTag(initialLocale()) });
}
