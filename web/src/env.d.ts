/// <reference types="vite/client" />

interface Window {
  /**
   * The `SecurityInfo` request the first-visit script (src/first-visit.ts) sent before the console's scripts had
   * loaded; null once the console's client has sent its first request (src/graphql/first-request.ts).
   */
  firstRequest?: { body: string; response: Promise<Response> } | null;
}

/** The body of that request, made at build time (web/vite.config.ts). */
declare const __FIRST_REQUEST_BODY__: string;
