import { print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { recordCookies, recordSecretsIn } from './secrets.js';

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
  headers: Headers;
  /** The raw body, for checks that a value appears nowhere in it. */
  body: string;
}

/** The shape of the generated documents (`TypedDocumentNode` of @graphql-typed-document-node/core), which carry their types. */
export type TypedDocumentNode<TData, TVariables> = DocumentNode & { __apiType?: (variables: TVariables) => TData };

const printedDocuments = new WeakMap<object, string>();

/** The query text to send: inline text as it is, a document printed (once). */
export function queryText(query: string | DocumentNode): string {
  if (typeof query === 'string') return query;
  let text = printedDocuments.get(query);
  if (text === undefined) printedDocuments.set(query, (text = print(query)));
  return text;
}

/** A browser-like GraphQL client: JSON POSTs to /graphql, keeping the session cookie. */
export class GraphQLClient {
  cookie: string | undefined;
  /** Sent with every request, e.g. X-Forwarded-For to a server that trusts the test's proxy. */
  headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  /**
   * Sends an operation: preferably one of the console's typed documents from
   * `@app-passwords/schema` (the result is then typed); inline query text for
   * what the console never sends (odd selections, fuzzing, the authorization matrix).
   */
  async request<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<GraphQLResult<TData>>;
  async request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  async request(query: string | TypedDocumentNode<unknown, unknown>, variables?: unknown): Promise<GraphQLResult<unknown>> {
    recordSecretsIn(variables);
    return this.post(JSON.stringify({ query: queryText(query), variables }));
  }

  async post<T = Record<string, any>>(body: string, contentType = 'application/json'): Promise<GraphQLResult<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': contentType, ...(this.cookie ? { cookie: this.cookie } : {}) },
      body,
    });
    const setCookie = response.headers.get('set-cookie');
    recordCookies(setCookie);
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    const json = text.startsWith('{') ? JSON.parse(text) : {};
    recordSecretsIn(json.data);
    return { status: response.status, data: json.data, errors: json.errors, headers: response.headers, body: text };
  }

  /** The `extensions.code` of the first error, or undefined when the call succeeded. */
  static code(result: GraphQLResult): string | undefined {
    return result.errors?.[0]?.extensions?.code as string | undefined;
  }
}
