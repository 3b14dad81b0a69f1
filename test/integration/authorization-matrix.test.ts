import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, type GraphQLEnumType, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@app-passwords/schema';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { anonymous, bearer, createApiToken, session, withAuthorization, type Send } from '../support/actors.js';
import { basic, createAppPassword } from '../support/app-passwords.js';
import {
  createAdmin,
  createTenant,
  createUser,
  insertAppPasswords,
  signedInClient,
  type TestTenant,
  type TestUser,
} from '../support/factories.js';
import type { GraphQLClient, GraphQLResult } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/*
 * Who may call what, for every root field of the committed schema. The
 * matrix below is generated from schema/schema.graphql: a field without a
 * rule (or a rule for a field that is gone) fails this file.
 */

const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const ROOT_FIELDS = [
  ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((name) => ({ name, operation: 'query' as const })),
  ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((name) => ({ name, operation: 'mutation' as const })),
];
/**
 * The ApiScope enum names of the GraphQL API, e.g. AUDIT_READ. SCIM is not one: a SCIM token holds no other
 * scope and is refused every field (scim-access.test.ts), so it never joins the tokens here.
 */
const SCOPES = (schema.getType('ApiScope') as GraphQLEnumType)
  .getValues()
  .map((value) => value.name)
  .filter((name) => name !== 'SCIM');

const CALLERS = [
  'anonymous',
  /** A console session of a USER of tenant A. */
  'user',
  /** That user's app password over HTTP Basic. */
  'appPassword',
  /** An app password of tenant A's admin: never does admin work. */
  'appPasswordOfAdmin',
  /** A console session of tenant B's admin, aimed at tenant A's ids. */
  'otherTenantAdmin',
  /** A tenant A token holding every scope but the field's one (one unrelated scope when the field names none). */
  'tokenWithoutScope',
  /** A tenant A token holding exactly the field's scope (every scope when the field names none). */
  'tokenWithScope',
  /** A console session of tenant A's admin. */
  'admin',
  /** A console session of another tenant A admin, with a password alone: tenant A requires two-step verification of admins. */
  'adminWithoutTwoStep',
] as const;
type CallerKind = (typeof CALLERS)[number];

/** 'ok': data and no error; 'null' / 'false': that value and no error; otherwise the one error code. */
type Outcome =
  | 'ok'
  | 'null'
  | 'false'
  | typeof ErrorCode.UNAUTHENTICATED
  | typeof ErrorCode.FORBIDDEN
  | typeof ErrorCode.NOT_FOUND
  | typeof ErrorCode.BAD_USER_INPUT
  | typeof ErrorCode.TWO_STEP_REQUIRED;

interface Rule {
  /** The ApiScope a token needs; none: tokens are refused. */
  scope?: string;
  outcomes: Record<CallerKind, Outcome>;
}

/** One outcome per caller, in the order of CALLERS. */
type Row<T extends readonly unknown[]> = { -readonly [K in keyof T]: Outcome };

function rule(scope: string | null, outcomes: Row<typeof CALLERS>): Rule {
  return {
    ...(scope ? { scope } : {}),
    outcomes: Object.fromEntries(CALLERS.map((caller, i) => [caller, outcomes[i]])) as Record<CallerKind, Outcome>,
  };
}

// prettier-ignore
const RULES: Record<string, Rule> = {
  //                                                       anonymous           user          appPassword   appPasswordOfAdmin  otherTenantAdmin  tokenWithoutScope  tokenWithScope  admin         adminWithoutTwoStep
  apiTokens:                 rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  appPasswords:              rule('APP_PASSWORDS_READ',   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  auditEntries:              rule('AUDIT_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  auditEvents:               rule('AUDIT_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  signInEntries:             rule('AUDIT_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  signInEvents:              rule('AUDIT_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  signInActivity:            rule('AUDIT_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  viewer:                    rule(null,                   ['null',             'ok',         'ok',         'ok',               'ok',             'null',            'null',         'ok',         'ok']),
  tenantPolicy:              rule('POLICY_READ',          ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  previewTenantPolicyChange: rule('POLICY_READ',          ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  users:                     rule('USERS_READ',           ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  createApiToken:            rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  revokeApiToken:            rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  revokeAppPasswords:        rule('APP_PASSWORDS_REVOKE', ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'ok',           'ok',         'TWO_STEP_REQUIRED']),
  createAppPassword:         rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // An app password deletes only itself: to it, its owner's others (the one made here) do not exist.
  deleteAppPassword:         rule(null,                   ['UNAUTHENTICATED',  'ok',         'NOT_FOUND',  'NOT_FOUND',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  signIn:                    rule(null,                   ['ok',               'ok',         'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // Sent with a wrong current password: BAD_USER_INPUT proves the caller got past authorization, and nothing changes.
  changePassword:            rule(null,                   ['UNAUTHENTICATED',  'BAD_USER_INPUT', 'FORBIDDEN', 'FORBIDDEN',      'BAD_USER_INPUT', 'FORBIDDEN',       'FORBIDDEN',    'BAD_USER_INPUT', 'BAD_USER_INPUT']),
  signOut:                   rule(null,                   ['false',            'ok',         'false',      'false',            'ok',             'false',           'false',        'ok',         'ok']),
  // Sent without a pending sign-in: anonymous callers learn it has expired; everyone else is signed in already.
  completeSignIn:            rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'FORBIDDEN',      'FORBIDDEN',       'FORBIDDEN',    'FORBIDDEN',  'FORBIDDEN']),
  reauthenticate:            rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // Admins have two-step verification already (BAD_USER_INPUT: past authorization); setting it up is open to the admin without it.
  startTwoStepEnrollment:    rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'BAD_USER_INPUT', 'FORBIDDEN',       'FORBIDDEN',    'BAD_USER_INPUT', 'ok']),
  // Sent with a wrong code (or none started, or set up already): BAD_USER_INPUT proves the caller got past authorization.
  confirmTwoStepEnrollment:  rule(null,                   ['UNAUTHENTICATED',  'BAD_USER_INPUT', 'FORBIDDEN', 'FORBIDDEN',      'BAD_USER_INPUT', 'FORBIDDEN',       'FORBIDDEN',    'BAD_USER_INPUT', 'BAD_USER_INPUT']),
  // Callers without two-step verification get BAD_USER_INPUT (nothing to renew or remove); admins have it.
  regenerateRecoveryCodes:   rule(null,                   ['UNAUTHENTICATED',  'BAD_USER_INPUT', 'FORBIDDEN', 'FORBIDDEN',      'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'BAD_USER_INPUT']),
  removeTwoStepVerification: rule(null,                   ['UNAUTHENTICATED',  'BAD_USER_INPUT', 'FORBIDDEN', 'FORBIDDEN',      'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'BAD_USER_INPUT']),
  updateTenantPolicy:        rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  disableUser:               rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  enableUser:                rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  // Another tenant's admin creates in their own tenant, never tenant A (checked after the call).
  createUser:                rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  changeUserRole:            rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  updateUser:                rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  deleteUser:                rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  resetTwoStepVerification:  rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  // Everyone signed in reads their own tenant's services (the console's checkboxes); tokens have no scope for it.
  services:                  rule(null,                   ['UNAUTHENTICATED',  'ok',         'ok',         'ok',               'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // Another tenant's admin changes their own tenant's list, never tenant A's (checked after the call).
  addService:                rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  renameService:             rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  removeService:             rule(null,                   ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
  // One's own app password; another tenant's admin aims at tenant A's user's.
  limitAppPasswordServices:  rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  setAppPasswordNetworks:    rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  renameAppPassword:         rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // Only the owner, as for renaming: an admin cannot give anyone else's app password a secret the admin would see.
  rotateAppPassword:         rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  // Sent by a caller whose app passwords are then all gone: each console caller deletes their own.
  deleteAllMyAppPasswords:   rule(null,                   ['UNAUTHENTICATED',  'ok',         'FORBIDDEN',  'FORBIDDEN',        'ok',             'FORBIDDEN',       'FORBIDDEN',    'ok',         'ok']),
  limitAppPasswordsToUsedServices: rule(null,             ['UNAUTHENTICATED',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN',        'NOT_FOUND',      'FORBIDDEN',       'FORBIDDEN',    'ok',         'TWO_STEP_REQUIRED']),
};

/** Someone calling: which tenant they act in, the person behind them (none for anonymous and tokens), how they send. */
interface Caller {
  kind: CallerKind;
  tenant: TestTenant;
  person: TestUser | null;
  send: Send;
}

interface Prepared {
  variables?: Record<string, unknown>;
  /** Checks what the call left behind, given the outcome it had. */
  verify?: (outcome: Outcome, result: GraphQLResult) => Promise<void>;
}

interface Operation {
  document: string;
  /** A list's rows: a caller allowed to read it sees some (of their own tenant only). */
  rows?: (data: any) => unknown[];
  /** Console callers use a session of their own, as the call ends or replaces it. */
  freshSession?: boolean;
  /** Variables for this caller (fresh ids where the call consumes them) and the check afterwards. */
  prepare?: (caller: Caller) => Promise<Prepared>;
}

let server: TestServer;
let tenantA: TestTenant;
let tenantB: TestTenant;
let userA: TestUser;
let adminA: TestUser;
let adminB: TestUser;
let passwordOnlyAdminA: TestUser;
let userConsole: GraphQLClient;
let adminConsole: GraphQLClient;
let otherAdminConsole: GraphQLClient;
let passwordOnlyAdminConsole: GraphQLClient;
let userBasic: string;
let adminBasic: string;
/** Tenant A's tokens by their sorted scopes. */
const tokens = new Map<string, string>();

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = await server.db.query(`SELECT count(*)::int AS count FROM ${sql}`, params);
  return row.count;
}
const appPasswordCount = (tenant: TestTenant) => count('app_passwords WHERE tenant_id = $1', [tenant.id]);
const apiTokenCount = (tenant: TestTenant) => count('api_tokens WHERE tenant_id = $1', [tenant.id]);
const sessionCount = (user: TestUser) => count('sessions WHERE user_id = $1', [user.id]);
const exists = async (table: 'app_passwords' | 'api_tokens', id: string) => (await count(`${table} WHERE id = $1`, [id])) === 1;

const enabledTwoStep = (user: TestUser) => count('totp_authenticators WHERE user_id = $1 AND confirmed_at IS NOT NULL', [user.id]);

async function userStatus(user: TestUser): Promise<string> {
  const [row] = await server.db.query('SELECT status FROM users WHERE id = $1', [user.id]);
  return row.status;
}

async function auditRetentionDays(tenant: TestTenant): Promise<number> {
  const [row] = await server.db.query('SELECT audit_retention_days FROM tenant_policies WHERE tenant_id = $1', [tenant.id]);
  return row.audit_retention_days;
}

async function serviceKeys(tenant: TestTenant): Promise<string[]> {
  const [row] = await server.db.query(
    `SELECT array(SELECT s->>'key' FROM jsonb_array_elements(services) s) AS keys FROM tenant_policies WHERE tenant_id = $1`,
    [tenant.id],
  );
  return row.keys;
}

async function serviceNames(tenant: TestTenant): Promise<string[]> {
  const [row] = await server.db.query(
    `SELECT array(SELECT s->>'nameEn' FROM jsonb_array_elements(services) s) AS names FROM tenant_policies WHERE tenant_id = $1`,
    [tenant.id],
  );
  return row.names;
}

/** An app password's own services as stored (null: every one its tenant allows). */
async function servicesOf(appPasswordId: string): Promise<string[] | null> {
  const [row] = await server.db.query('SELECT services FROM app_passwords WHERE id = $1', [appPasswordId]);
  return row.services;
}

/** Basic credentials of a new app password of `user`. */
async function basicOf(user: TestUser, console: GraphQLClient): Promise<string> {
  return basic(user.email, (await createAppPassword(server, user, { console })).password);
}

async function nameOf(appPasswordId: string): Promise<string> {
  const [row] = await server.db.query('SELECT name FROM app_passwords WHERE id = $1', [appPasswordId]);
  return row.name;
}

async function networksOf(appPasswordId: string): Promise<string[]> {
  const [row] = await server.db.query('SELECT networks::text[] AS networks FROM app_passwords WHERE id = $1', [appPasswordId]);
  return row.networks;
}

/** One's own app password (a console caller's), or tenant A's user's for anyone else; stored with every service (null). */
async function ownAppPassword(caller: Caller, name: string): Promise<string> {
  const consoles = new Map([
    [adminA, adminConsole],
    [passwordOnlyAdminA, passwordOnlyAdminConsole],
  ]);
  const owner = caller.person && consoles.has(caller.person) ? caller.person : userA;
  const id = (await createAppPassword(server, owner, { name, console: consoles.get(owner) ?? userConsole })).id;
  await server.db.query('UPDATE app_passwords SET services = NULL WHERE id = $1', [id]);
  return id;
}

/** Every id and sign-in name of a tenant that a response might leak. */
async function identifiersOf(tenant: TestTenant): Promise<string[]> {
  const rows: Array<{ value: string }> = await server.db.query(
    `SELECT $1::uuid::text AS value
     UNION ALL SELECT id::text FROM users WHERE tenant_id = $1::uuid
     UNION ALL SELECT email FROM users WHERE tenant_id = $1::uuid
     UNION ALL SELECT id::text FROM app_passwords WHERE tenant_id = $1::uuid
     UNION ALL SELECT id::text FROM api_tokens WHERE tenant_id = $1::uuid`,
    [tenant.id],
  );
  return rows.map((r) => r.value);
}

async function tokenWith(scopes: string[]): Promise<string> {
  const key = [...scopes].sort().join(',');
  let token = tokens.get(key);
  if (!token) {
    token = (await createApiToken(adminConsole, scopes, `Matrix token ${tokens.size + 1}`)).token;
    tokens.set(key, token);
  }
  return token;
}

async function callerFor(kind: CallerKind, rule: Rule, operation: Operation): Promise<Caller> {
  const console = async (user: TestUser, shared: GraphQLClient) =>
    session(operation.freshSession ? await signedInClient(server, user) : shared);
  switch (kind) {
    case 'anonymous':
      return { kind, tenant: tenantA, person: null, send: anonymous(server) };
    case 'user':
      return { kind, tenant: tenantA, person: userA, send: await console(userA, userConsole) };
    case 'appPassword':
      return { kind, tenant: tenantA, person: userA, send: withAuthorization(server, userBasic) };
    case 'appPasswordOfAdmin':
      return { kind, tenant: tenantA, person: adminA, send: withAuthorization(server, adminBasic) };
    case 'otherTenantAdmin':
      return { kind, tenant: tenantB, person: adminB, send: await console(adminB, otherAdminConsole) };
    case 'tokenWithoutScope': {
      const scopes = rule.scope ? SCOPES.filter((s) => s !== rule.scope) : [SCOPES[0]!];
      return { kind, tenant: tenantA, person: null, send: withAuthorization(server, bearer(await tokenWith(scopes))) };
    }
    case 'tokenWithScope': {
      const scopes = rule.scope ? [rule.scope] : SCOPES;
      return { kind, tenant: tenantA, person: null, send: withAuthorization(server, bearer(await tokenWith(scopes))) };
    }
    case 'admin':
      return { kind, tenant: tenantA, person: adminA, send: await console(adminA, adminConsole) };
    case 'adminWithoutTwoStep':
      return { kind, tenant: tenantA, person: passwordOnlyAdminA, send: await console(passwordOnlyAdminA, passwordOnlyAdminConsole) };
  }
}

const OPERATIONS: Record<string, Operation> = {
  apiTokens: {
    document: `query { apiTokens { id name scopes } }`,
    rows: (data) => data.apiTokens,
  },
  appPasswords: {
    document: `query { appPasswords(first: 200) { edges { node { id name owner { id email } } } totalCount } }`,
    rows: (data) => data.appPasswords.edges,
  },
  auditEntries: {
    document: `query { auditEntries(first: 200) { edges { node { id actionKind actorKind actorUserId actorEmail targetUserId targetEmail detailsObject } } } }`,
    rows: (data) => data.auditEntries.edges,
  },
  auditEvents: {
    document: `query { auditEvents(first: 200) { edges { node { id action actorUserId actorEmail targetUserId targetEmail details } } } }`,
    rows: (data) => data.auditEvents.edges,
  },
  signInEntries: {
    document: `query { signInEntries(first: 200) { edges { node { id signInName userId appPasswordId } } } }`,
    rows: (data) => data.signInEntries.edges,
  },
  signInEvents: {
    document: `query { signInEvents(first: 200) { edges { node { id signInName userId appPasswordId } } } }`,
    rows: (data) => data.signInEvents.edges,
  },
  signInActivity: {
    document: `query { signInActivity(days: 7) { date succeeded failed } }`,
    rows: (data) => data.signInActivity,
  },
  viewer: {
    document: `query { viewer { id email role tenant { id } securityInfo { appPasswords { id } } } }`,
    prepare: async (caller) => ({
      verify: async (outcome, result) => {
        if (outcome !== 'ok') return;
        expect(result.data!.viewer.id).toBe(caller.person!.id);
        expect(result.data!.viewer.tenant.id).toBe(caller.tenant.id);
      },
    }),
  },
  tenantPolicy: {
    document: `query { tenantPolicy { appPasswordsEnabled auditRetentionDays } }`,
    prepare: async (caller) => ({
      verify: async (outcome, result) => {
        if (outcome === 'ok') expect(result.data!.tenantPolicy.auditRetentionDays).toBe(await auditRetentionDays(caller.tenant));
      },
    }),
  },
  previewTenantPolicyChange: {
    document: `query { previewTenantPolicyChange { block { users appPasswords } } }`,
    prepare: async (caller) => ({
      verify: async (outcome, result) => {
        if (outcome === 'ok') expect(result.data!.previewTenantPolicyChange.block.appPasswords).toBe(await appPasswordCount(caller.tenant));
      },
    }),
  },
  users: {
    document: `query { users(first: 200) { edges { node { id email role status } } } }`,
    rows: (data) => data.users.edges,
  },
  createApiToken: {
    document: `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { id } token } }`,
    prepare: async (caller) => {
      const before = await apiTokenCount(tenantA);
      return {
        variables: { input: { name: 'Matrix report', scopes: ['AUDIT_READ'] } },
        verify: async (outcome) =>
          expect(await apiTokenCount(tenantA)).toBe(before + (outcome === 'ok' && caller.tenant === tenantA ? 1 : 0)),
      };
    },
  },
  revokeApiToken: {
    document: `mutation ($id: ID!) { revokeApiToken(id: $id) { revokedId } }`,
    prepare: async () => {
      const { id } = await createApiToken(adminConsole, ['AUDIT_READ'], 'Matrix to revoke');
      return { variables: { id }, verify: async (outcome) => expect(await exists('api_tokens', id)).toBe(outcome !== 'ok') };
    },
  },
  revokeAppPasswords: {
    document: `mutation ($input: RevokeAppPasswordsInput!) { revokeAppPasswords(input: $input) { count dryRun } }`,
    prepare: async () => {
      const before = await appPasswordCount(tenantA);
      return {
        variables: { input: { userIds: [userA.id], reason: 'Authorization matrix', dryRun: true } },
        verify: async (outcome, result) => {
          if (outcome === 'ok') expect(result.data!.revokeAppPasswords).toEqual({ count: expect.any(Number), dryRun: true });
          if (outcome === 'ok') expect(result.data!.revokeAppPasswords.count).toBeGreaterThan(0);
          expect(await appPasswordCount(tenantA)).toBe(before);
        },
      };
    },
  },
  createAppPassword: {
    document: `mutation ($input: CreateAppPasswordInput!) { createAppPassword(input: $input) { appPassword { id } password } }`,
    prepare: async (caller) => {
      const before = await appPasswordCount(tenantA);
      return {
        variables: { input: { name: `Matrix ${caller.kind}` } },
        verify: async (outcome) =>
          expect(await appPasswordCount(tenantA)).toBe(before + (outcome === 'ok' && caller.tenant === tenantA ? 1 : 0)),
      };
    },
  },
  deleteAppPassword: {
    document: `mutation ($id: ID!) { deleteAppPassword(id: $id) { deletedId } }`,
    prepare: async (caller) => {
      // One's own app password; another tenant's admin and anyone refused aim at tenant A's user's.
      const consoles = new Map([
        [adminA, adminConsole],
        [passwordOnlyAdminA, passwordOnlyAdminConsole],
      ]);
      const owner = caller.person && consoles.has(caller.person) ? caller.person : userA;
      const console = consoles.get(owner) ?? userConsole;
      const { id } = await createAppPassword(server, owner, { name: 'Matrix to delete', console });
      return { variables: { id }, verify: async (outcome) => expect(await exists('app_passwords', id)).toBe(outcome !== 'ok') };
    },
  },
  signIn: {
    document: `mutation ($input: SignInInput!) { signIn(input: $input) { twoStepRequired viewer { id } } }`,
    freshSession: true,
    prepare: async (caller) => {
      const who = caller.person ?? userA;
      const before = await sessionCount(who);
      return {
        variables: { input: { email: who.email, password: who.password } },
        verify: async (outcome, result) => {
          if (outcome === 'ok') {
            // With two-step verification, the password opens a pending sign-in (a cookie, no viewer yet).
            if (who.twoStep) expect(result.data!.signIn).toEqual({ twoStepRequired: true, viewer: null });
            else expect(result.data!.signIn.viewer.id).toBe(who.id);
            expect(result.headers.get('set-cookie')).not.toBeNull();
          } else {
            expect(result.headers.get('set-cookie')).toBeNull();
            expect(await sessionCount(who)).toBe(before);
          }
        },
      };
    },
  },
  completeSignIn: {
    document: `mutation { completeSignIn(input: { code: "123456" }) { viewer { id } } }`,
    prepare: async (caller) => {
      const who = caller.person ?? userA;
      const before = await sessionCount(who);
      return {
        verify: async (_outcome, result) => {
          expect(result.headers.get('set-cookie')).toBeNull();
          expect(await sessionCount(who)).toBe(before);
        },
      };
    },
  },
  reauthenticate: {
    document: `mutation ($input: ReauthenticateInput!) { reauthenticate(input: $input) { authenticatedAt } }`,
    prepare: async (caller) => ({ variables: { input: { password: (caller.person ?? userA).password } } }),
  },
  startTwoStepEnrollment: {
    document: `mutation { startTwoStepEnrollment { otpauthUri } }`,
    prepare: async (caller) => {
      const before = caller.person ? await enabledTwoStep(caller.person) : 0;
      return {
        verify: async (outcome, result) => {
          if (outcome === 'ok') expect(result.data!.startTwoStepEnrollment.otpauthUri).toContain(encodeURIComponent(caller.person!.email));
          if (caller.person) expect(await enabledTwoStep(caller.person)).toBe(before);
        },
      };
    },
  },
  confirmTwoStepEnrollment: {
    document: `mutation { confirmTwoStepEnrollment(input: { code: "000000" }) { recoveryCodes } }`,
    prepare: async (caller) => {
      const before = caller.person ? await enabledTwoStep(caller.person) : 0;
      return {
        verify: async () => {
          if (caller.person) expect(await enabledTwoStep(caller.person)).toBe(before);
        },
      };
    },
  },
  regenerateRecoveryCodes: {
    document: `mutation { regenerateRecoveryCodes { recoveryCodes } }`,
    prepare: async (caller) => ({
      verify: async (outcome) => {
        if (caller.person) expect(await count('recovery_codes WHERE user_id = $1', [caller.person.id])).toBe(outcome === 'ok' ? 10 : 0);
      },
    }),
  },
  removeTwoStepVerification: {
    document: `mutation { removeTwoStepVerification(input: { deleteAppPasswords: true }) { deletedAppPasswords } }`,
    prepare: async (caller) => {
      const before = caller.person ? await count('app_passwords WHERE user_id = $1', [caller.person.id]) : 0;
      const authenticator: Array<{ row: unknown }> = caller.person
        ? await server.db.query('SELECT to_jsonb(t) AS row FROM totp_authenticators t WHERE user_id = $1', [caller.person.id])
        : [];
      return {
        verify: async (outcome) => {
          if (!caller.person) return;
          expect(await count('app_passwords WHERE user_id = $1', [caller.person.id])).toBe(before);
          if (outcome !== 'ok') return;
          expect(await enabledTwoStep(caller.person)).toBe(0);
          // Back as it was, for the admin work of the cells after this one.
          await server.db.query('INSERT INTO totp_authenticators SELECT * FROM jsonb_populate_record(NULL::totp_authenticators, $1)', [
            authenticator[0]!.row,
          ]);
        },
      };
    },
  },
  changePassword: {
    document: `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { revokedAppPasswords } }`,
    prepare: async (caller) => {
      const hashes = async () =>
        (await server.db.query('SELECT id, password_hash FROM users WHERE tenant_id = ANY($1) ORDER BY id', [
          [tenantA.id, caller.tenant.id],
        ])) as unknown[];
      const before = await hashes();
      return {
        variables: { input: { currentPassword: 'not-the-current-password', newPassword: 'a-brand-new-password' } },
        verify: async () => expect(await hashes()).toEqual(before),
      };
    },
  },
  signOut: {
    document: `mutation { signOut }`,
    freshSession: true,
    prepare: async (caller) => {
      const who = caller.person;
      const before = who ? await sessionCount(who) : 0;
      return {
        verify: async (outcome, result) => {
          if (outcome === 'ok') expect(result.data!.signOut).toBe(true);
          if (who) expect(await sessionCount(who)).toBe(before - (outcome === 'ok' ? 1 : 0));
        },
      };
    },
  },
  updateTenantPolicy: {
    document: `mutation ($input: UpdateTenantPolicyInput!) { updateTenantPolicy(input: $input) { policy { auditRetentionDays } } }`,
    prepare: async (caller) => {
      const before = await auditRetentionDays(tenantA);
      return {
        variables: { input: { auditRetentionDays: 91 } },
        verify: async (outcome) =>
          expect(await auditRetentionDays(tenantA)).toBe(outcome === 'ok' && caller.tenant === tenantA ? 91 : before),
      };
    },
  },
  disableUser: {
    document: `mutation ($id: ID!) { disableUser(id: $id) { id status } }`,
    prepare: async () => {
      const victim = await createUser(server.db, tenantA);
      return {
        variables: { id: victim.id },
        verify: async (outcome) => expect(await userStatus(victim)).toBe(outcome === 'ok' ? 'DISABLED' : 'ACTIVE'),
      };
    },
  },
  createUser: {
    document: `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id email } initialPassword } }`,
    prepare: async (caller) => {
      const email = `matrix-new-${caller.kind.toLowerCase()}-${Date.now()}@example.test`;
      return {
        variables: { input: { email, role: 'USER' } },
        verify: async (outcome) =>
          expect(await count('users WHERE tenant_id = $1 AND email = $2', [tenantA.id, email])).toBe(
            outcome === 'ok' && caller.tenant === tenantA ? 1 : 0,
          ),
      };
    },
  },
  changeUserRole: {
    document: `mutation ($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { id role } }`,
    prepare: async () => {
      const target = await createUser(server.db, tenantA);
      return {
        variables: { input: { userId: target.id, role: 'TENANT_ADMIN' } },
        verify: async (outcome) =>
          expect(await count(`users WHERE id = $1 AND role = 'TENANT_ADMIN'`, [target.id])).toBe(outcome === 'ok' ? 1 : 0),
      };
    },
  },
  updateUser: {
    document: `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { id displayName } }`,
    prepare: async () => {
      const target = await createUser(server.db, tenantA);
      return {
        variables: { input: { userId: target.id, displayName: 'Renamed by matrix' } },
        verify: async (outcome) =>
          expect(await count(`users WHERE id = $1 AND display_name = 'Renamed by matrix'`, [target.id])).toBe(outcome === 'ok' ? 1 : 0),
      };
    },
  },
  deleteUser: {
    document: `mutation ($input: DeleteUserInput!) { deleteUser(input: $input) { deletedUserId revokedAppPasswords } }`,
    prepare: async () => {
      const target = await createUser(server.db, tenantA);
      return {
        variables: { input: { userId: target.id } },
        verify: async (outcome) => expect(await count('users WHERE id = $1', [target.id])).toBe(outcome === 'ok' ? 0 : 1),
      };
    },
  },
  resetTwoStepVerification: {
    document: `mutation ($input: ResetTwoStepVerificationInput!) { resetTwoStepVerification(input: $input) { user { id twoStepEnabled } } }`,
    prepare: async () => {
      const locked = await createAdmin(server, tenantA);
      return {
        variables: { input: { userId: locked.id } },
        verify: async (outcome) => expect(await enabledTwoStep(locked)).toBe(outcome === 'ok' ? 0 : 1),
      };
    },
  },
  services: {
    document: `query { services { key nameEn allowed } }`,
    rows: (data) => data.services,
  },
  addService: {
    document: `mutation ($input: AddServiceInput!) { addService(input: $input) { service { key } } }`,
    prepare: async (caller) => {
      const key = `matrix-${caller.kind.toLowerCase()}`;
      return {
        variables: { input: { key, nameEn: 'Matrix', nameNl: 'Matrix' } },
        verify: async (outcome) => expect((await serviceKeys(tenantA)).includes(key)).toBe(outcome === 'ok' && caller.tenant === tenantA),
      };
    },
  },
  renameService: {
    document: `mutation ($input: RenameServiceInput!) { renameService(input: $input) { service { key nameEn } } }`,
    prepare: async (caller) => {
      const nameEn = `Matrix ${caller.kind}`;
      return {
        variables: { input: { key: 'pop3', nameEn, nameNl: nameEn } },
        verify: async (outcome) =>
          expect((await serviceNames(tenantA)).includes(nameEn)).toBe(outcome === 'ok' && caller.tenant === tenantA),
      };
    },
  },
  removeService: {
    document: `mutation ($input: RemoveServiceInput!) { removeService(input: $input) { removedKey appPasswordsChanged } }`,
    prepare: async (caller) => {
      const key = `gone-${caller.kind.toLowerCase()}`;
      await server.db.query(
        `UPDATE tenant_policies SET services = services || jsonb_build_array(jsonb_build_object('key', $2::text, 'nameEn', 'Gone', 'nameNl', 'Weg')),
                                    allowed_services = allowed_services || $2::text
          WHERE tenant_id = $1`,
        [tenantA.id, key],
      );
      return {
        variables: { input: { key } },
        verify: async (outcome) => expect((await serviceKeys(tenantA)).includes(key)).toBe(outcome !== 'ok'),
      };
    },
  },
  limitAppPasswordServices: {
    document: `mutation ($input: LimitAppPasswordServicesInput!) { limitAppPasswordServices(input: $input) { appPassword { id services } } }`,
    prepare: async (caller) => {
      const id = await ownAppPassword(caller, 'Matrix to limit');
      return {
        variables: { input: { id, services: ['imap'] } },
        verify: async (outcome) => expect(await servicesOf(id)).toEqual(outcome === 'ok' ? ['imap'] : null),
      };
    },
  },
  setAppPasswordNetworks: {
    document: `mutation ($input: SetAppPasswordNetworksInput!) { setAppPasswordNetworks(input: $input) { appPassword { id networks } } }`,
    prepare: async (caller) => {
      const id = await ownAppPassword(caller, 'Matrix to confine');
      return {
        variables: { input: { id, networks: ['192.0.2.0/24'] } },
        verify: async (outcome) => expect(await networksOf(id)).toEqual(outcome === 'ok' ? ['192.0.2.0/24'] : []),
      };
    },
  },
  renameAppPassword: {
    document: `mutation ($input: RenameAppPasswordInput!) { renameAppPassword(input: $input) { appPassword { id name } } }`,
    prepare: async (caller) => {
      const id = await ownAppPassword(caller, 'Matrix to rename');
      return {
        variables: { input: { id, name: `Renamed by ${caller.kind}` } },
        verify: async (outcome) => expect(await nameOf(id)).toBe(outcome === 'ok' ? `Renamed by ${caller.kind}` : 'Matrix to rename'),
      };
    },
  },
  rotateAppPassword: {
    document: `mutation ($id: ID!) { rotateAppPassword(id: $id) { appPassword { id rotatingUntil } password } }`,
    prepare: async (caller) => {
      const id = await ownAppPassword(caller, 'Matrix to rotate');
      return {
        variables: { id },
        verify: async (outcome) => {
          const [row] = await server.db.query('SELECT secret_version FROM app_passwords WHERE id = $1', [id]);
          expect(row.secret_version).toBe(outcome === 'ok' ? 2 : 1);
        },
      };
    },
  },
  deleteAllMyAppPasswords: {
    document: `mutation { deleteAllMyAppPasswords { deletedCount } }`,
    prepare: async (caller) => {
      // Tenant A's user keeps one that only they may delete; a console caller's own go.
      const kept = (await createAppPassword(server, userA, { name: 'Matrix to keep', console: userConsole })).id;
      return {
        verify: async (outcome, result) => {
          if (outcome === 'ok') expect(result.data!.deleteAllMyAppPasswords.deletedCount).toBeGreaterThanOrEqual(0);
          if (outcome === 'ok' && caller.person) expect(await count('app_passwords WHERE user_id = $1', [caller.person.id])).toBe(0);
          expect(await exists('app_passwords', kept)).toBe(!(outcome === 'ok' && caller.person === userA));
          // The app-password callers of the operations after this one sign in with userA's and adminA's: new ones.
          if (outcome === 'ok' && caller.person === userA) userBasic = await basicOf(userA, userConsole);
          if (outcome === 'ok' && caller.person === adminA) adminBasic = await basicOf(adminA, adminConsole);
        },
      };
    },
  },
  limitAppPasswordsToUsedServices: {
    document: `mutation ($input: LimitAppPasswordsToUsedServicesInput!) { limitAppPasswordsToUsedServices(input: $input) { count dryRun } }`,
    prepare: async () => {
      const { id } = await createAppPassword(server, userA, { name: 'Matrix to narrow', console: userConsole });
      const before = await servicesOf(id);
      return {
        variables: { input: { ids: [id], dryRun: true } },
        verify: async (outcome, result) => {
          if (outcome === 'ok') expect(result.data!.limitAppPasswordsToUsedServices).toEqual({ count: 0, dryRun: true });
          expect(await servicesOf(id)).toEqual(before);
        },
      };
    },
  },
  enableUser: {
    document: `mutation ($id: ID!) { enableUser(id: $id) { id status } }`,
    prepare: async () => {
      const victim = await createUser(server.db, tenantA, { disabled: true });
      return {
        variables: { id: victim.id },
        verify: async (outcome) => expect(await userStatus(victim)).toBe(outcome === 'ok' ? 'ACTIVE' : 'DISABLED'),
      };
    },
  },
};

beforeAll(async () => {
  server = await startTestServer();
  tenantA = await createTenant(server.db);
  tenantB = await createTenant(server.db);
  // Different retention per tenant, so reading the wrong tenant's policy shows.
  await server.db.query('UPDATE tenant_policies SET audit_retention_days = 365 WHERE tenant_id = $1', [tenantA.id]);
  await server.db.query('UPDATE tenant_policies SET audit_retention_days = 400 WHERE tenant_id = $1', [tenantB.id]);

  userA = await createUser(server.db, tenantA);
  adminA = await createAdmin(server, tenantA);
  adminB = await createAdmin(server, tenantB);
  passwordOnlyAdminA = await createUser(server.db, tenantA, { role: Role.TENANT_ADMIN });
  const userB = await createUser(server.db, tenantB);
  userConsole = await signedInClient(server, userA);
  adminConsole = await signedInClient(server, adminA);
  otherAdminConsole = await signedInClient(server, adminB);
  passwordOnlyAdminConsole = await signedInClient(server, passwordOnlyAdminA);

  userBasic = await basicOf(userA, userConsole);
  adminBasic = await basicOf(adminA, adminConsole);
  const userBBasic = basic(userB.email, (await createAppPassword(server, userB)).password);
  await insertAppPasswords(server.db, userB, 2);

  // Something in every list of both tenants: tokens and their audit events, sign-ins.
  await createApiToken(otherAdminConsole, ['AUDIT_READ'], 'Tenant B report');
  await tokenWith(SCOPES);
  for (const authorization of [userBasic, adminBasic, userBBasic]) {
    const result = await withAuthorization(server, authorization)('query { viewer { id } }');
    expect(result.errors).toBeUndefined();
  }
  await server.app.services.signInLog.flush();
});

afterAll(async () => {
  await server?.close();
});

describe('the rules cover the schema', () => {
  it('every root field has a rule and an operation, and nothing else does', () => {
    const names = ROOT_FIELDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(RULES).sort()).toEqual([...names].sort());
    expect(Object.keys(OPERATIONS).sort()).toEqual([...names].sort());
  });

  it('each operation calls its own field, as a query or a mutation', () => {
    for (const { name, operation } of ROOT_FIELDS) {
      const op = OPERATIONS[name];
      if (!op) continue;
      const [definition] = parse(op.document).definitions as OperationDefinitionNode[];
      const [selection] = definition!.selectionSet.selections;
      expect({ operation: definition!.operation, field: selection?.kind === Kind.FIELD ? selection.name.value : undefined }).toEqual({
        operation,
        field: name,
      });
    }
  });

  it('every scope a rule names is an ApiScope, and a token may use only fields that name one', () => {
    for (const [name, { scope, outcomes }] of Object.entries(RULES)) {
      if (scope) expect(SCOPES, name).toContain(scope);
      else expect(outcomes.tokenWithScope, name).not.toBe('ok');
    }
  });
});

/** [field, caller, expected outcome]; 'no rule' for a field the table lacks. */
const CELLS = ROOT_FIELDS.flatMap(({ name }) =>
  CALLERS.map((caller) => [name, caller, RULES[name]?.outcomes[caller] ?? 'no rule'] as const),
);

describe.each(ROOT_FIELDS.map((f) => f.name))('%s', (field) => {
  it.each(CELLS.filter((cell) => cell[0] === field))('%s as %s → %s', async (_field, kind, expected) => {
    const rule = RULES[field];
    const operation = OPERATIONS[field];
    if (!rule || !operation) throw new Error(`${field} has no rule or no operation in this test: add both.`);
    const outcome = expected as Outcome;

    const caller = await callerFor(kind, rule, operation);
    const prepared = (await operation.prepare?.(caller)) ?? {};
    const result = await caller.send(operation.document, prepared.variables);

    if (outcome === 'ok' || outcome === 'null' || outcome === 'false') {
      expect(result.errors, result.body).toBeUndefined();
      const value = result.data?.[field];
      if (outcome === 'ok') expect(value ?? null, result.body).not.toBeNull();
      else expect(value, result.body).toBe(outcome === 'null' ? null : false);
    } else {
      expect(
        result.errors?.map((e) => e.extensions?.code),
        result.body,
      ).toEqual([outcome]);
      expect(result.data?.[field] ?? null).toBeNull();
    }

    if (outcome === 'ok') {
      if (operation.rows) expect(operation.rows(result.data).length, 'sees its own tenant').toBeGreaterThan(0);
      const otherTenant = caller.tenant === tenantA ? tenantB : tenantA;
      const leaked = (await identifiersOf(otherTenant)).filter((value) => result.body.includes(value));
      expect(leaked, `${kind} saw ${otherTenant === tenantA ? 'tenant A' : 'tenant B'}`).toEqual([]);
    }
    await prepared.verify?.(outcome, result);
  });
});

describe("another tenant's admin revoking with tenant A's ids", () => {
  const REVOKE = `mutation ($input: RevokeAppPasswordsInput!) { revokeAppPasswords(input: $input) { count dryRun } }`;

  it('gets NOT_FOUND by ids or by userIds, and tenant A keeps every app password', async () => {
    const ids: string[] = (await server.db.query('SELECT id FROM app_passwords WHERE tenant_id = $1', [tenantA.id])).map(
      (r: { id: string }) => r.id,
    );
    const before = await appPasswordCount(tenantA);
    for (const input of [{ ids }, { ids: ids.slice(0, 1) }, { userIds: [userA.id] }, { userIds: [userA.id, adminA.id] }]) {
      const result = await otherAdminConsole.request(REVOKE, { input: { ...input, reason: 'Cross-tenant' } });
      expect(
        result.errors?.map((e) => e.extensions?.code),
        JSON.stringify(input),
      ).toEqual(['NOT_FOUND']);
    }
    expect(await appPasswordCount(tenantA)).toBe(before);
    for (const id of ids) expect(await exists('app_passwords', id)).toBe(true);
  });

  it('counts only their own tenant by filter', async () => {
    const result = await otherAdminConsole.request(REVOKE, { input: { filter: {}, reason: 'Cross-tenant', dryRun: true } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.revokeAppPasswords.count).toBe(await appPasswordCount(tenantB));
  });
});
