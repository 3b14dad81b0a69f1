import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache, type DocumentNode } from '@apollo/client';
import { print } from 'graphql';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../../server/src/common/graphql-limits.js';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** One HTTP exchange as Apollo Client made it. */
interface Exchange {
  method: string;
  /** Whether the request carried the query text, or only its hash. */
  withQuery: boolean;
  status: number;
  cacheControl: string | null;
  codes: unknown[];
}

/** Apollo Client with its own persisted-query link, as an integrator would set it up, recording every exchange. */
async function apolloClient(options: { useGETForHashedQueries?: boolean; headers?: Record<string, string> } = {}) {
  const tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant);
  const { cookie } = await signedInClient(server, user);
  const exchanges: Exchange[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const answer = await response.clone().json();
    exchanges.push({
      method: init?.method ?? 'GET',
      withQuery: typeof (body?.query ?? url.searchParams.get('query')) === 'string',
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      codes: (answer.errors ?? []).map((e: { extensions?: { code?: unknown } }) => e.extensions?.code),
    });
    return response;
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      new PersistedQueryLink({
        sha256: (query) => createHash('sha256').update(query).digest('hex'),
        useGETForHashedQueries: options.useGETForHashedQueries,
      }),
      new HttpLink({ uri: `${server.url}/graphql`, fetch: recordingFetch, headers: { cookie: cookie!, ...options.headers } }),
    ]),
  });
  return { client, user, cookie: cookie!, exchanges };
}

/** How many requests for this operation the server itself saw, from its access log. */
function requestsReceived(operation: string): number {
  return server.logs.map((line) => JSON.parse(line)).filter((e) => e.msg === 'request completed' && e.operation === operation).length;
}

const query = async (client: ApolloClient, document: DocumentNode) => client.query({ query: document, fetchPolicy: 'network-only' });

describe('automatic persisted queries with Apollo Client', () => {
  it('a hash the server has not seen: the client is told PERSISTED_QUERY_NOT_FOUND and sends the full query; the next client is served from the cache', async () => {
    const document = gql`
      query PersistedViewer {
        viewer {
          email
        }
      }
    `;
    const first = await apolloClient();
    expect((await query(first.client, document)).data).toEqual({ viewer: { __typename: 'Viewer', email: first.user.email } });
    expect(first.exchanges).toEqual([
      { method: 'POST', withQuery: false, status: 200, cacheControl: 'no-store', codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', withQuery: true, status: 200, cacheControl: 'no-store', codes: [] },
    ]);

    const second = await apolloClient();
    expect((await query(second.client, document)).data).toEqual({ viewer: { __typename: 'Viewer', email: second.user.email } });
    expect(second.exchanges).toEqual([{ method: 'POST', withQuery: false, status: 200, cacheControl: 'no-store', codes: [] }]);

    expect(requestsReceived('PersistedViewer')).toBe(3);
    expect(server.problems()).toEqual([]);
  });

  it('a hash does not get around the limits: a query over one is refused when sent in full, and never remembered', async () => {
    const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: viewer { email }`).join('\n');
    const document = gql(`query PersistedTooManyAliases { ${aliases} }`);
    for (const { client, exchanges } of [await apolloClient(), await apolloClient()]) {
      await expect(query(client, document)).rejects.toThrow(/Aliases limit of 10 exceeded/);
      expect(exchanges.map(({ withQuery, status, codes }) => ({ withQuery, status, codes }))).toEqual([
        { withQuery: false, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
        { withQuery: true, status: 400, codes: ['BAD_USER_INPUT'] },
      ]);
    }
    expect(server.problems()).toEqual([]);
  });

  it('hashed queries over GET work for Apollo Client, whose JSON content type a browser would preflight; a simple GET is refused', async () => {
    const document = gql`
      query PersistedViewerOverGet {
        viewer {
          email
        }
      }
    `;
    const first = await apolloClient({ useGETForHashedQueries: true });
    expect((await query(first.client, document)).data).toEqual({ viewer: { __typename: 'Viewer', email: first.user.email } });
    expect(first.exchanges.map(({ method, withQuery, codes }) => ({ method, withQuery, codes }))).toEqual([
      { method: 'GET', withQuery: false, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', withQuery: true, codes: [] },
    ]);
    const second = await apolloClient({ useGETForHashedQueries: true });
    expect((await query(second.client, document)).data).toEqual({ viewer: { __typename: 'Viewer', email: second.user.email } });
    expect(second.exchanges).toEqual([{ method: 'GET', withQuery: false, status: 200, cacheControl: 'no-store', codes: [] }]);

    // The same hash as a page could send it cross-site (a link, an image): no preflight, so Apollo's CSRF prevention says no.
    const hash = createHash('sha256').update(print(document)).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    const simple = await fetch(`${server.url}/graphql?extensions=${encodeURIComponent(extensions)}`, {
      headers: { cookie: second.cookie },
    });
    expect(simple.status).toBe(400);
    expect(await simple.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })] });
    expect(server.problems()).toEqual([]);
  });
});
