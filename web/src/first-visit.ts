/**
 * The first-visit script: a small classic script that index.html loads `async`
 * beside the console's module scripts (web/vite.config.ts builds it on its own
 * and names it there). It runs as soon as it arrives, while the console's
 * scripts are still being compiled and run, and on a page load of the
 * security-info page sends the `SecurityInfo` request that the router's guard
 * sends first (features/sign-in/useSession.ts), byte for byte as the console's
 * client sends it. The client takes its answer instead of sending the same
 * request again (graphql/first-request.ts), so by the time the guard asks, the
 * answer is on its way or there.
 *
 * Without this script (`pnpm dev`, or a browser that blocks it) the console
 * works as before: the guard sends the request itself.
 */

/** Where the router's guard asks for `SecurityInfo` first: its page, and `/`, which redirects there (router.ts). */
const SECURITY_INFO_PATHS = new Set(['/', '/security-info']);

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
  response.catch(() => {}); // the client then sends its own request
  window.firstRequest = { body, response };
}
