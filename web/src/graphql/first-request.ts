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

/** The answer the browser's page carries, read once (a later request gets a fresh answer); undefined when it has none. */
export function takeAnswerFromPage(): string | undefined {
  const answer = document.getElementById(FIRST_ANSWER_ID);
  answer?.remove();
  return answer?.textContent || undefined;
}

/**
 * A client's fetch whose first request is answered by `answer` when it is
 * the answer to that very request (the same body, made at build time:
 * `__FIRST_REQUEST_BODY__`, web/vite.config.ts); every later one, or a
 * different first one, goes to `send`. Without an answer (signed out,
 * `pnpm dev`, a server error) the first goes out too. In the browser the
 * answer is in the page (`takeAnswerFromPage`); on the server, rendering the
 * page, it is the one just made for it.
 */
export function takingFirstAnswer(answer: () => string | undefined, send: typeof fetch): typeof fetch {
  let firstRequest = true;
  return (input, init) => {
    if (firstRequest) {
      firstRequest = false;
      const text = answer();
      if (text && init?.body === __FIRST_REQUEST_BODY__) {
        return Promise.resolve(new Response(text, { headers: { 'content-type': 'application/json' } }));
      }
    }
    return send(input, init);
  };
}
