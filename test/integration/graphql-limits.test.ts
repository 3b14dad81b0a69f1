import { randomUUID } from 'node:crypto';
import { Kind, print, visit, type DocumentNode, type FieldNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@app-passwords/schema';
import { GRAPHQL_LIMITS } from '../../server/src/common/graphql-limits.js';
import { adminTenant } from '../support/admin.js';
import { GraphQLClient, type GraphQLResult } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** A document as urql's cache sends it: `__typename` added to every selection set below the root. */
function asConsoleSends(document: DocumentNode): string {
  return print(
    visit(document, {
      SelectionSet(node, _key, parent) {
        const isRoot = parent !== undefined && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION;
        if (isRoot || node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
        return { ...node, selections: [...node.selections, TYPENAME] };
      },
    }),
  );
}

/** Every operation the console sends (schema/operations/*.graphql, compiled into the shared package). */
const consoleOperations = Object.entries(schema)
  .filter(([name]) => name.endsWith('Document'))
  .map(([name, document]) => ({ name: name.replace(/Document$/, ''), document: document as DocumentNode }));

const aliases = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n');

/** Refused before anything ran: HTTP 400, no data, BAD_USER_INPUT, a message naming the limit. */
function expectRefused(result: GraphQLResult, message: RegExp): void {
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toEqual([
    expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } }),
  ]);
}

describe('GraphQL limits', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lets every operation the console sends through, as an admin, with the largest page size', async () => {
    const admin = await adminTenant(server);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const page = { first: 200 };
    // Valid variables for each: every operation must reach its resolvers (data present); rules may still say no.
    const variables: Record<string, Record<string, unknown>> = {
      SignIn: { input: { email: admin.admin.email, password: admin.admin.password } },
      Viewer: {},
      SecurityInfo: {},
      CreateAppPassword: { input: { name: 'Limits check' } },
      DeleteAppPassword: { id: randomUUID() },
      ChangePassword: { input: { currentPassword: 'not the password', newPassword: 'a new long password' } },
      TenantPolicy: {},
      UpdateTenantPolicy: { input: { auditRetentionDays: 90 } },
      AdminUsers: page,
      DisableUser: { id: randomUUID() },
      EnableUser: { id: randomUUID() },
      CreateUser: { input: { email: `limits-${randomUUID()}@example.test`, displayName: 'Limits check', role: 'USER' } },
      ChangeUserRole: { input: { userId: randomUUID(), role: 'USER' } },
      UpdateUser: { input: { userId: randomUUID(), displayName: 'Limits check' } },
      DeleteUser: { input: { userId: randomUUID() } },
      AdminAppPasswords: { ...page, orderBy: { field: 'LAST_USED_AT', direction: 'ASC' }, filter: { lastUsedBefore: monthAgo } },
      RevokeAppPasswords: { input: { filter: { neverUsed: true }, reason: 'Limits check', dryRun: true } },
      AppPasswordsByLastUse: { weekAgo: monthAgo, monthAgo },
      AuditEntries: page,
      SignInEntries: page,
      ViewerSignIns: page,
      SignInActivity: { days: 366, timeZone: 'Europe/Amsterdam' },
      ApiTokens: {},
      CreateApiToken: { input: { name: 'Limits check', scopes: ['AUDIT_READ'] } },
      RevokeApiToken: { id: randomUUID() },
      CompleteSignIn: { input: { code: '000000' } },
      Reauthenticate: { input: { password: admin.admin.password } },
      StartTwoStepEnrollment: {},
      ConfirmTwoStepEnrollment: { input: { code: '000000' } },
      RegenerateRecoveryCodes: {},
      RemoveTwoStepVerification: { input: { deleteAppPasswords: false } },
      ResetTwoStepVerification: { input: { userId: randomUUID() } },
      LimitAppPasswordServices: { input: { id: randomUUID(), services: ['imap'] } },
      SetAppPasswordNetworks: { input: { id: randomUUID(), networks: ['192.0.2.0/24'] } },
      LimitAppPasswordsToUsedServices: { input: { filter: { allowsMoreThanUsed: true }, dryRun: true } },
      Services: {},
      RenameAppPassword: { input: { id: randomUUID(), name: 'Limits check' } },
      RotateAppPassword: { id: randomUUID() },
      AppPasswordHistory: { id: randomUUID() },
      DeleteAllMyAppPasswords: {},
      AccountActivity: { actionKind: 'APP_PASSWORD_USED_FROM_NEW_NETWORK', first: 200 },
      AddService: { input: { key: 'limits-check', nameEn: 'Limits check', nameNl: 'Limietcontrole' } },
      RenameService: { input: { key: 'pop3', nameEn: 'Old mail', nameNl: 'Oude e-mail' } },
      RemoveService: { input: { key: 'limits-check' } },
      SignOut: {},
    };
    expect(consoleOperations.map((o) => o.name).sort()).toEqual(Object.keys(variables).sort());

    // SignOut last: it ends the session the others need.
    const ordered = [...consoleOperations].sort((a, b) => Number(a.name === 'SignOut') - Number(b.name === 'SignOut'));
    for (const { name, document } of ordered) {
      const result = await admin.console.request(asConsoleSends(document), variables[name]);
      expect({ name, status: result.status, reachedResolvers: result.data !== undefined }).toEqual({
        name,
        status: 200,
        reachedResolvers: true,
      });
    }
  });

  it(`refuses nesting deeper than ${GRAPHQL_LIMITS.maxDepth} levels (only introspection can nest that deep here)`, async () => {
    const admin = await adminTenant(server);
    const nested = (levels: number) =>
      `{ __type(name: "AppPasswordConnection") { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } }`;
    // __type, fields, type, then ofType levels, then name.
    const atLimit = await admin.console.request(nested(GRAPHQL_LIMITS.maxDepth - 4));
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data?.__type.fields.length).toBeGreaterThan(0);
    expectRefused(
      await admin.console.request(nested(GRAPHQL_LIMITS.maxDepth - 3)),
      new RegExp(`depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found ${GRAPHQL_LIMITS.maxDepth + 1}`),
    );
  });

  it(`refuses more than ${GRAPHQL_LIMITS.maxAliases} aliases, and 1 000 of them, before anything runs`, async () => {
    const admin = await adminTenant(server);
    const activity = 'signInActivity(days: 366) { date failed }';
    const atLimit = await admin.console.request(`{ ${aliases(GRAPHQL_LIMITS.maxAliases, activity)} }`);
    expect(atLimit.errors).toBeUndefined();
    expect(Object.keys(atLimit.data!)).toHaveLength(GRAPHQL_LIMITS.maxAliases);
    expectRefused(
      await admin.console.request(`{ ${aliases(GRAPHQL_LIMITS.maxAliases + 1, activity)} }`),
      new RegExp(`Aliases limit of ${GRAPHQL_LIMITS.maxAliases} exceeded, found ${GRAPHQL_LIMITS.maxAliases + 1}`),
    );
    // A thousand aliases do not even get past the parser.
    expectRefused(
      await admin.console.request(`{ ${aliases(1000, 'viewer { id }')} }`),
      new RegExp(`more \\w+ ${GRAPHQL_LIMITS.maxTokens} tokens`),
    );

    // Refused mutations create nothing.
    const create = aliases(GRAPHQL_LIMITS.maxAliases + 1, 'createAppPassword(input: { name: "Alias flood" }) { password }');
    expectRefused(await admin.console.request(`mutation { ${create} }`), /Aliases limit/);
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [admin.admin.id]);
    expect(count).toBe(0);
  });

  it(`refuses more than ${GRAPHQL_LIMITS.maxDirectives} directives`, async () => {
    const admin = await adminTenant(server);
    const fields = (count: number) => `{ viewer { ${'id @include(if: true) '.repeat(count)} } }`;
    const atLimit = await admin.console.request(fields(GRAPHQL_LIMITS.maxDirectives));
    expect(atLimit.data?.viewer.id).toBe(admin.admin.id);
    expectRefused(
      await admin.console.request(fields(GRAPHQL_LIMITS.maxDirectives + 1)),
      new RegExp(`Directives limit of ${GRAPHQL_LIMITS.maxDirectives} exceeded, found ${GRAPHQL_LIMITS.maxDirectives + 1}`),
    );
  });

  it('refuses a huge first: written into the query by the cost limit, as a variable by the page size', async () => {
    const admin = await adminTenant(server);
    const inventory = (first: string) =>
      `query ${first === '$first' ? '($first: Int)' : ''} { appPasswords(first: ${first}) { totalCount edges { cursor node { id name createdAt lastUsedAt lastUsedIp expiresAt owner { id email displayName } } } pageInfo { hasNextPage endCursor } } }`;
    // The biggest page there is, with every field, fits.
    const largest = await admin.console.request(inventory('200'));
    expect(largest.errors).toBeUndefined();
    expect(largest.data?.appPasswords.totalCount).toBe(0);

    expectRefused(await admin.console.request(inventory('100000')), new RegExp(`Cost limit of ${GRAPHQL_LIMITS.maxCost} exceeded`));

    const variable = await admin.console.request(inventory('$first'), { first: 100_000 });
    expect(variable.data).toBeNull();
    expect(variable.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it(`refuses a document of more than ${GRAPHQL_LIMITS.maxTokens} tokens: long id lists go in variables`, async () => {
    const admin = await adminTenant(server);
    const ids = (count: number) => Array.from({ length: count }, () => `"${randomUUID()}"`).join(', ');
    const revoke = (list: string) => `mutation { revokeAppPasswords(input: { ids: [${list}], reason: "Tokens", dryRun: true }) { count } }`;
    expectRefused(await admin.console.request(revoke(ids(1000))), new RegExp(`more \\w+ ${GRAPHQL_LIMITS.maxTokens} tokens`));

    const viaVariables = await admin.console.request(
      'mutation ($ids: [ID!]) { revokeAppPasswords(input: { ids: $ids, reason: "Tokens", dryRun: true }) { count } }',
      { ids: Array.from({ length: 1000 }, () => randomUUID()) },
    );
    expect(viaVariables.status).toBe(200);
    expect(GraphQLClient.code(viaVariables)).toBe('NOT_FOUND'); // validated and run: these ids are simply unknown
  });

  it('refuses batched requests: a JSON array body runs none of its operations', async () => {
    const admin = await adminTenant(server);
    const create = JSON.stringify({ query: 'mutation { createAppPassword(input: { name: "Batched" }) { password } }' });
    const result = await admin.console.post(`[${create}, ${create}]`);
    expect(result.status).toBe(400);
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [admin.admin.id]);
    expect(count).toBe(0);
  });
});

describe('GraphQL introspection', () => {
  const SCHEMA = '{ __schema { queryType { name } } }';
  const TYPO = '{ viewr { id } }';

  it('is on outside production: the schema can be read and errors suggest field names', async () => {
    const server = await startTestServer({ graphqlIntrospection: true });
    try {
      const client = new GraphQLClient(server.url);
      expect((await client.request(SCHEMA)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const typo = await client.request(TYPO);
      expect(GraphQLClient.code(typo)).toBe('BAD_USER_INPUT');
      expect(typo.errors?.[0]?.message).toMatch(/Did you mean "viewer"\?/);
    } finally {
      await server.close();
    }
  });

  it('is off when configured so (the production default): no schema, no type, no suggestions; the console still works', async () => {
    const server = await startTestServer({ graphqlIntrospection: false });
    try {
      const client = new GraphQLClient(server.url);
      for (const query of [SCHEMA, '{ __type(name: "AppPassword") { fields { name } } }']) {
        const result = await client.request(query);
        expect(result.status).toBe(400);
        expect(result.data).toBeUndefined();
        expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0]?.message).toMatch(/introspection/i);
      }
      const typo = await client.request(TYPO);
      expect(GraphQLClient.code(typo)).toBe('BAD_USER_INPUT');
      expect(typo.body).not.toContain('Did you mean');
      expect(typo.body).not.toContain('"viewer"');

      const viewer = await client.request(asConsoleSends(schema.ViewerDocument));
      expect(viewer).toMatchObject({ status: 200, data: { viewer: null }, errors: undefined });
    } finally {
      await server.close();
    }
  });
});
