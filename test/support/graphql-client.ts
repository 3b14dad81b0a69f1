import type { GraphQLFormattedError } from 'graphql';
import { recordCookies, recordSecretsIn } from './secrets.js';

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
  headers: Headers;
  /** The raw body, for checks that a value appears nowhere in it. */
  body: string;
}

/** A browser-like GraphQL client: JSON POSTs to /graphql, keeping the session cookie. */
export class GraphQLClient {
  cookie: string | undefined;
  /** Sent with every request, e.g. X-Forwarded-For to a server that trusts the test's proxy. */
  headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>> {
    recordSecretsIn(variables);
    return this.post<T>(JSON.stringify({ query, variables }));
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
