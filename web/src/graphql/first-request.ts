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
 * The client's fetch. Its first request is answered by the request the
 * first-visit script sent ahead (src/first-visit.ts) when that is the same
 * request (same body); every later one, or a different first one, goes out
 * as usual. Either way the script then sends nothing more.
 */
export function fetchTakingFirstRequest(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const ahead = window.firstRequest;
  window.firstRequest = null;
  if (ahead && init?.body === ahead.body) return ahead.response.catch(() => fetch(input, init));
  return fetch(input, init);
}
