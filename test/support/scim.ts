import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { hashSecret } from '../../server/src/common/argon2.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import { bearer, createApiToken } from './actors.js';
import { adminTenant, type AdminTenant } from './admin.js';
import type { TestUser } from './factories.js';
import { recordAuthorization, recordSecret } from './secrets.js';
import type { TestServer } from './test-server.js';

export const SCIM_TYPE = 'application/scim+json';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimResponse {
  status: number;
  headers: Headers;
  /** The JSON body, or undefined when there is none (204). */
  body: any;
}

export interface ScimRequestOptions {
  /** Sent as it is instead of `JSON.stringify(body)`. */
  raw?: string;
  contentType?: string;
  /** Instead of the client's token (`null`: no Authorization header). */
  authorization?: string | null;
}

/** Requests to `/scim/v2` as an identity provider sends them: `Authorization: Bearer <token>`, `application/scim+json`. */
export type Scim = (method: string, path: string, body?: unknown, options?: ScimRequestOptions) => Promise<ScimResponse>;

export function scimClient(server: Pick<TestServer, 'url'>, token: string | undefined): Scim {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = {};
    const authorization = options.authorization === undefined ? (token ? bearer(token) : undefined) : (options.authorization ?? undefined);
    if (authorization) headers.authorization = authorization;
    recordAuthorization(authorization);
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? SCIM_TYPE;
    const response = await fetch(`${server.url}/scim/v2${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
}

/** A tenant with an admin, and a SCIM token the admin created in the console (as an identity provider is given). */
export async function scimTenant(
  server: TestServer,
  tokenName = 'Entra ID',
): Promise<AdminTenant & { token: string; tokenId: string; scim: Scim }> {
  const tenant = await adminTenant(server);
  const { id, token } = await createApiToken(tenant.console, ['SCIM'], tokenName);
  return { ...tenant, token, tokenId: id, scim: scimClient(server, token) };
}

/** Checks a SCIM error answer: status, SCIM's content type and error body (status as a string), and `scimType` when given. */
export function expectScimError(response: ScimResponse, status: number, scimType?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(typeof response.body.detail).toBe('string');
  if (scimType) expect(response.body.scimType).toBe(scimType);
  else expect(response.body.scimType).toBeUndefined();
}

/** A unique sign-in name for a provisioned user. */
export const userName = (who = 'user') => `${who}-${randomUUID().slice(0, 8)}@contoso.example`;

/**
 * A provisioned user (SSO only, no password) given a console password, so the
 * test can sign in as them and create an app password like the person would.
 */
export async function withConsolePassword(server: TestServer, tenantId: string, id: string, email: string): Promise<TestUser> {
  const password = `scim-user-${randomUUID()}`;
  recordSecret(password);
  await server.db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [await hashSecret(password), id]);
  return { id, tenantId, email, password, role: Role.USER };
}
