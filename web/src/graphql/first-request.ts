import { cacheExchange, Client, fetchExchange, type ClientOptions, type TypedDocumentNode } from '@urql/vue';

/**
 * The console's GraphQL client options (the client is in ./client.ts). Here,
 * apart from the console's other imports, so that the build can make the exact
 * request body the client sends (`requestBody`, web/vite.config.ts).
 */
export const clientOptions = {
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  // Apollo's CSRF prevention refuses simple GET requests; always POST JSON.
  preferGetMethod: false,
  fetchOptions: { credentials: 'same-origin' },
  requestPolicy: 'cache-and-network',
} satisfies ClientOptions;

/** The body of the request a client with `clientOptions` sends for `document` without variables, byte for byte. */
export async function requestBody(document: TypedDocumentNode<any, Record<string, never>>): Promise<string> {
  let body: string | undefined;
  const capture = new Client({
    ...clientOptions,
    fetch: async (_url, init) => {
      body = String(init?.body);
      return new Response('{"data":null}', { headers: { 'content-type': 'application/json' } });
    },
  });
  await capture.query(document, {}, { requestPolicy: 'network-only' }).toPromise();
  if (body === undefined) throw new Error('The client sent no request.');
  return body;
}

/**
 * Where the router's guard asks for `SecurityInfo` first (router.ts): its
 * page, and `/`, which redirects there. A page load of these from a signed-in
 * browser carries the answer (server/src/modules/console/first-answer.ts).
 */
export const FIRST_REQUEST_PATHS = ['/', '/security-info'];

/** The element the server puts the answer in, after the console's root element. */
const FIRST_ANSWER_ID = 'first-answer';

let firstRequest = true;

/**
 * The client's fetch. Its first request is answered by the page when the
 * server put the answer to that very request (the same body, made at build
 * time: `__FIRST_REQUEST_BODY__`, web/vite.config.ts) into it; every later
 * one, or a different first one, goes out as usual. Without an answer in the
 * page (signed out, `pnpm dev`, a server error) the first goes out too.
 */
export function fetchTakingFirstAnswer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (firstRequest) {
    firstRequest = false;
    const answer = document.getElementById(FIRST_ANSWER_ID);
    answer?.remove(); // read once: a later request gets a fresh answer
    if (answer?.textContent && init?.body === __FIRST_REQUEST_BODY__) {
      return Promise.resolve(new Response(answer.textContent, { headers: { 'content-type': 'application/json' } }));
    }
  }
  return fetch(input, init);
}
