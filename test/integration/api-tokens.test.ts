import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ApiScope,
  ApiTokensDocument,
  CreateApiTokenDocument,
  DisableUserDocument,
  RevokeApiTokenDocument,
  UpdateTenantPolicyDocument,
} from '@app-passwords/schema';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { adminTenant, auditRows, dataOf, insertAppPassword, type AdminTenant } from '../support/admin.js';
import { graphqlWithAuthorization } from '../support/app-passwords.js';
import { createTenant, createUser, insertAppPasswords, signedInClient } from '../support/factories.js';
import { GraphQLClient, queryText, type GraphQLResult } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { REVOKE_COUNT, VIEWER_ID } from '../support/operations.js';

// What a token reads, one field each: scopes are checked per field, and the console's documents ask for several at once.
const APP_PASSWORDS = /* GraphQL */ `
  query ($filter: AppPasswordFilter) {
    appPasswords(filter: $filter, first: 200) {
      totalCount
      edges {
        node {
          id
          owner {
            id
          }
        }
      }
    }
  }
`;
const USERS = /* GraphQL */ `
  query {
    users(first: 200) {
      edges {
        node {
          id
        }
      }
    }
  }
`;
const AUDIT_EVENTS = /* GraphQL */ `
  query ($filter: AuditFilter) {
    auditEvents(filter: $filter, first: 200) {
      edges {
        node {
          id
          action
          actorType
          actorApiTokenId
        }
      }
    }
  }
`;
const SIGN_IN_EVENTS = /* GraphQL */ `
  query {
    signInEvents(first: 200) {
      edges {
        node {
          id
        }
      }
    }
  }
`;
const POLICY = /* GraphQL */ `
  query {
    tenantPolicy {
      maxAppPasswordsPerUser
    }
  }
`;
const PREVIEW = /* GraphQL */ `
  query {
    previewTenantPolicyChange {
      block {
        appPasswords
      }
    }
  }
`;
const server = testServerForFile();

const ALL_SCOPES: ApiScope[] = ['APP_PASSWORDS_READ', 'APP_PASSWORDS_REVOKE', 'AUDIT_READ', 'USERS_READ', 'POLICY_READ'];

async function createToken(admin: AdminTenant, scopes: string[], extra: Record<string, unknown> = {}) {
  const result = await admin.console.request(CreateApiTokenDocument, {
    input: { name: 'Nightly stale-password report', scopes: scopes as ApiScope[], ...extra },
  });
  return { result, ...dataOf(result).createApiToken };
}

/** A GraphQL request with `Authorization: Bearer <token>` (and a cookie, when given). */
function asToken<T = Record<string, any>>(
  token: string,
  query: string | DocumentNode,
  variables?: Record<string, unknown>,
  cookie?: string,
) {
  return graphqlWithAuthorization<T>(server, `Bearer ${token}`, query, variables, { cookie });
}

function expectUnauthenticated(result: GraphQLResult) {
  expect(result.status).toBe(401);
  expect(GraphQLClient.code(result)).toBe('UNAUTHENTICATED');
  expect(result.data ?? null).toBeNull();
}

describe('creating and listing tokens', () => {
  it('shows the token once (apt_ and 256 bits), lists it without the token, and records api_token.created', async () => {
    const admin = await adminTenant(server);

    const { result, token, apiToken } = await createToken(admin, ['APP_PASSWORDS_READ', 'AUDIT_READ']);

    expect(token).toMatch(/^apt_[A-Za-z0-9_-]{43,}$/);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(apiToken).toMatchObject({
      name: 'Nightly stale-password report',
      scopes: ['APP_PASSWORDS_READ', 'AUDIT_READ'],
      lastUsedAt: null,
    });
    const listed = await admin.console.request(ApiTokensDocument);
    expect(dataOf(listed).apiTokens).toMatchObject([
      { id: apiToken.id, name: apiToken.name, scopes: apiToken.scopes, expiresAt: apiToken.expiresAt, lastUsedAt: null },
    ]);
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain(token.slice(4));
    const [event] = await auditRows(server.db, admin.tenant.id, 'api_token.created');
    expect(event).toMatchObject({ actor_type: 'user', actor_user_id: admin.admin.id });
    expect(event!.details.apiTokenId).toBe(apiToken.id);
  });

  it('gives each token its own secret', async () => {
    const admin = await adminTenant(server);
    const first = await createToken(admin, ['USERS_READ']);
    const second = await createToken(admin, ['USERS_READ']);
    expect(first.token).not.toBe(second.token);
    expect(dataOf(await admin.console.request(ApiTokensDocument)).apiTokens.map((t: any) => t.id)).toEqual([
      second.apiToken.id,
      first.apiToken.id,
    ]);
  });

  it.each([
    ['no scopes', { scopes: [] }],
    ['an empty name', { name: '' }],
    ['a name over 64 characters', { name: 'x'.repeat(65) }],
    ['0 days', { expiresInDays: 0 }],
    ['366 days', { expiresInDays: 366 }],
    ['an unknown scope', { scopes: ['EVERYTHING'] }],
  ])('refuses %s with BAD_USER_INPUT and creates nothing', async (_what, input) => {
    const admin = await adminTenant(server);
    // The console's document with input it would never send: as text, so that the variables need not type-check.
    const result = await admin.console.request(queryText(CreateApiTokenDocument), {
      input: { name: 'Report', scopes: ['USERS_READ'], ...input },
    });
    expect(GraphQLClient.code(result)).toBe('BAD_USER_INPUT');
    expect(await server.db.query('SELECT id FROM api_tokens WHERE tenant_id = $1', [admin.tenant.id])).toEqual([]);
  });

  it('is for admins signed in to the console only', async () => {
    const tenant = await createTenant(server.db);
    const console = await signedInClient(server, await createUser(server.db, tenant));
    expect(GraphQLClient.code(await console.request(CreateApiTokenDocument, { input: { name: 'Mine', scopes: ALL_SCOPES } }))).toBe(
      'FORBIDDEN',
    );
    expect(GraphQLClient.code(await console.request(ApiTokensDocument))).toBe('FORBIDDEN');
    expect(await server.db.query('SELECT id FROM api_tokens WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });
});

describe('using a token', () => {
  it('answers the queries its scopes allow and refuses the others with FORBIDDEN', async () => {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const ids = await insertAppPasswords(server.db, user, 3);
    const { token } = await createToken(admin, ['APP_PASSWORDS_READ']);

    const inventory = await asToken(token, APP_PASSWORDS);
    expect(inventory.status).toBe(200);
    expect(
      dataOf(inventory)
        .appPasswords.edges.map((e: any) => e.node.id)
        .sort(),
    ).toEqual([...ids].sort());

    for (const query of [AUDIT_EVENTS, SIGN_IN_EVENTS, USERS, POLICY, PREVIEW, ApiTokensDocument]) {
      const refused = await asToken(token, query);
      expect(GraphQLClient.code(refused)).toBe('FORBIDDEN');
    }
    expect(dataOf(await asToken(token, VIEWER_ID)).viewer).toBeNull();
  });

  it('never does console-only work, even with every scope: FORBIDDEN and nothing changes', async () => {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const { token, apiToken } = await createToken(admin, ALL_SCOPES);
    const audit = await auditRows(server.db, admin.tenant.id);

    for (const [query, variables] of [
      [CreateApiTokenDocument, { input: { name: 'Child', scopes: ALL_SCOPES } }],
      [UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 1 } }],
      [DisableUserDocument, { id: user.id }],
      [RevokeApiTokenDocument, { id: apiToken.id }],
      [ApiTokensDocument, undefined],
    ] as const) {
      expect(GraphQLClient.code(await asToken(token, query, variables))).toBe('FORBIDDEN');
    }

    expect(await server.db.query('SELECT id FROM api_tokens WHERE tenant_id = $1', [admin.tenant.id])).toEqual([{ id: apiToken.id }]);
    const [policy] = await server.db.query('SELECT max_app_passwords_per_user FROM tenant_policies WHERE tenant_id = $1', [
      admin.tenant.id,
    ]);
    expect(policy.max_app_passwords_per_user).toBe(40);
    const [status] = await server.db.query('SELECT status FROM users WHERE id = $1', [user.id]);
    expect(status.status).toBe('ACTIVE');
    expect(await auditRows(server.db, admin.tenant.id)).toEqual(audit);
  });

  it('revokes app passwords with app_passwords:revoke, recorded as the token', async () => {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const ids = await insertAppPasswords(server.db, user, 2);
    const { token, apiToken } = await createToken(admin, ['APP_PASSWORDS_REVOKE']);

    expect(dataOf(await asToken(token, REVOKE_COUNT, { input: { ids, reason: 'Offboarding script' } })).revokeAppPasswords).toEqual({
      count: 2,
    });

    const events = await auditRows(server.db, admin.tenant.id, 'app_password.revoked');
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({ actor_type: 'api_token', actor_api_token_id: apiToken.id, actor_user_id: null });
    }
  });

  it('records when it was last used', async () => {
    const admin = await adminTenant(server);
    const { token, apiToken } = await createToken(admin, ['USERS_READ']);
    expect(apiToken.lastUsedAt).toBeNull();

    dataOf(await asToken(token, USERS));

    const [listed] = dataOf(await admin.console.request(ApiTokensDocument)).apiTokens;
    expect(listed!.lastUsedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  });

  it('is refused with 401 UNAUTHENTICATED once revoked, and the revocation is recorded', async () => {
    const admin = await adminTenant(server);
    const { token, apiToken } = await createToken(admin, ['USERS_READ']);
    dataOf(await asToken(token, USERS));

    expect(dataOf(await admin.console.request(RevokeApiTokenDocument, { id: apiToken.id })).revokeApiToken).toEqual({
      revokedId: apiToken.id,
    });

    expectUnauthenticated(await asToken(token, USERS));
    expect(dataOf(await admin.console.request(ApiTokensDocument)).apiTokens).toEqual([]);
    const [event] = await auditRows(server.db, admin.tenant.id, 'api_token.revoked');
    expect(event).toMatchObject({ actor_type: 'user', actor_user_id: admin.admin.id });
    expect(event!.details.apiTokenId).toBe(apiToken.id);
  });

  it('is refused with 401 once expired', async () => {
    const admin = await adminTenant(server);
    const { token, apiToken } = await createToken(admin, ['USERS_READ'], { expiresInDays: 1 });
    dataOf(await asToken(token, USERS));

    await server.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiToken.id]);

    expectUnauthenticated(await asToken(token, USERS));
  });

  it.each([
    ['garbage', 'garbage'],
    ['the prefix alone', 'apt_'],
    ['a well-formed unknown token', `apt_${randomBytes(32).toString('base64url')}`],
    ['a token with a character changed', null],
  ])('refuses %s with 401', async (_what, bearer) => {
    const admin = await adminTenant(server);
    const { token } = await createToken(admin, ['USERS_READ']);
    const forged = bearer ?? `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expectUnauthenticated(await asToken(forged, USERS));
  });

  it('refuses a request with both a session cookie and a Bearer token with 401', async () => {
    const admin = await adminTenant(server);
    const { token } = await createToken(admin, ['USERS_READ']);
    expectUnauthenticated(await asToken(token, USERS, undefined, admin.console.cookie));
  });

  it("never reaches another tenant's data", async () => {
    const a = await adminTenant(server);
    const b = await adminTenant(server);
    const userOfA = await createUser(server.db, a.tenant);
    const userOfB = await createUser(server.db, b.tenant);
    const ofA = await insertAppPassword(server.db, userOfA);
    const ofB = await insertAppPasswords(server.db, userOfB, 2);
    dataOf(await b.console.request(DisableUserDocument, { id: userOfB.id }));
    const bToken = await createToken(b, ['USERS_READ']);
    const { token } = await createToken(a, ALL_SCOPES);

    const inventory = dataOf(await asToken(token, APP_PASSWORDS)).appPasswords;
    expect(inventory.edges.map((e: any) => e.node.id)).toEqual([ofA]);
    expect(inventory.totalCount).toBe(1);
    expect(dataOf(await asToken(token, APP_PASSWORDS, { filter: { ownerIds: [userOfB.id] } })).appPasswords.totalCount).toBe(0);
    const users = dataOf(await asToken(token, USERS)).users.edges.map((e: any) => e.node.id);
    expect(users.sort()).toEqual([a.admin.id, userOfA.id].sort());
    const audit = dataOf(await asToken(token, AUDIT_EVENTS)).auditEvents.edges.map((e: any) => e.node.action);
    expect(audit).not.toContain('user.disabled');
    expect(dataOf(await asToken(token, PREVIEW)).previewTenantPolicyChange.block.appPasswords).toBe(1);
    expect(GraphQLClient.code(await asToken(token, REVOKE_COUNT, { input: { ids: ofB, reason: 'Cross-tenant attempt' } }))).toBe(
      'NOT_FOUND',
    );
    expect(
      GraphQLClient.code(await asToken(token, REVOKE_COUNT, { input: { userIds: [userOfB.id], reason: 'Cross-tenant attempt' } })),
    ).toBe('NOT_FOUND');
    const [{ left }] = await server.db.query('SELECT count(*)::int AS left FROM app_passwords WHERE tenant_id = $1', [b.tenant.id]);
    expect(left).toBe(2);
    // Tokens are per tenant in the console too: A's admin can neither see nor revoke B's.
    expect(dataOf(await a.console.request(ApiTokensDocument)).apiTokens.map((t: any) => t.id)).not.toContain(bToken.apiToken.id);
    expect(GraphQLClient.code(await a.console.request(RevokeApiTokenDocument, { id: bToken.apiToken.id }))).toBe('NOT_FOUND');
    dataOf(await asToken(bToken.token, USERS));
  });

  it('answers BAD_USER_INPUT for a token id that is not one, NOT_FOUND for an unknown one', async () => {
    const admin = await adminTenant(server);
    expect(GraphQLClient.code(await admin.console.request(RevokeApiTokenDocument, { id: 'nope' }))).toBe('BAD_USER_INPUT');
    expect(GraphQLClient.code(await admin.console.request(RevokeApiTokenDocument, { id: randomUUID() }))).toBe('NOT_FOUND');
    expect(await auditRows(server.db, admin.tenant.id, 'api_token.revoked')).toEqual([]);
  });
});

describe('the token stays secret', () => {
  it('never appears in the audit trail or the server log', async () => {
    const admin = await adminTenant(server);
    const user = await createUser(server.db, admin.tenant);
    const ids = await insertAppPasswords(server.db, user, 1);
    const { token, apiToken } = await createToken(admin, ALL_SCOPES);
    dataOf(await asToken(token, USERS));
    // Nor is it stored: only its keyed hash is.
    const [stored] = await server.db.query('SELECT row_to_json(t)::text AS json FROM api_tokens t WHERE id = $1', [apiToken.id]);
    expect(stored.json).not.toContain(token.slice(4));
    dataOf(await asToken(token, REVOKE_COUNT, { input: { ids, reason: 'Cleanup' } }));
    await asToken(token, UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 3 } }); // refused
    dataOf(await admin.console.request(RevokeApiTokenDocument, { id: apiToken.id }));
    await asToken(token, USERS); // refused: revoked

    const [{ audit }] = await server.db.query(
      `SELECT coalesce(string_agg(row_to_json(e)::text, E'\\n'), '') AS audit FROM audit_events e WHERE tenant_id = $1`,
      [admin.tenant.id],
    );
    expect(audit).toContain(apiToken.id); // the rows are there …
    const secret = token.slice(4);
    expect(audit).not.toContain(secret); // … but never the token
    expect(server.logs.join('\n')).not.toContain(secret);
  });
});
