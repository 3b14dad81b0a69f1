import { CreateApiTokenDocument, type ApiScope } from '@app-passwords/schema';
import { graphqlWithAuthorization } from './app-passwords.js';
import type { GraphQLClient, GraphQLResult } from './graphql-client.js';
import { recordSecret } from './secrets.js';
import type { TestServer } from './test-server.js';

/** Sends one GraphQL operation as some caller. */
export type Send = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>;

/** No cookie, no Authorization header. */
export const anonymous =
  (server: TestServer): Send =>
  (query, variables) =>
    graphqlWithAuthorization(server, undefined, query, variables);

/** The console: the client's session cookie. */
export const session =
  (client: GraphQLClient): Send =>
  (query, variables) =>
    client.request(query, variables);

/** An app or integrator: `Authorization: Basic …` or `Bearer apt_…`. */
export const withAuthorization =
  (server: TestServer, authorization: string): Send =>
  (query, variables) =>
    graphqlWithAuthorization(server, authorization, query, variables);

export const bearer = (token: string): string => `Bearer ${token}`;

/** A real API token, created by an admin signed in to the console. `scopes` are GraphQL enum names (`AUDIT_READ`). */
export async function createApiToken(admin: GraphQLClient, scopes: string[], name = 'Test token'): Promise<{ id: string; token: string }> {
  const result = await admin.request(CreateApiTokenDocument, { input: { name, scopes: scopes as ApiScope[] } });
  if (result.errors) throw new Error(`createApiToken failed: ${JSON.stringify(result.errors)}`);
  const { apiToken, token } = result.data!.createApiToken;
  recordSecret(token);
  return { id: apiToken.id, token };
}
