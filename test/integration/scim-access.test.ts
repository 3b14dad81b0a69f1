import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createApiToken } from '../support/actors.js';
import { getWith } from '../support/admin.js';
import { basic, graphqlWithAuthorization } from '../support/app-passwords.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { VIEWER_ID } from '../support/operations.js';
import { expectScimError, LIST_SCHEMA, scimClient, scimTenant, USER_SCHEMA, userName, type Scim } from '../support/scim.js';
import { AdminUsersDocument, ApiTokensDocument, AuditEntriesDocument, CreateApiTokenDocument } from '@app-passwords/schema';

/** Who may use /scim/v2 and what a SCIM token may do elsewhere; tenants kept apart; duplicates; discovery; paging. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const create = async (scim: Scim, name = userName(), more: object = {}) => {
  const response = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: name, ...more });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; userName: string };
};

describe('SCIM tokens', () => {
  it('refuses requests without a SCIM token with 401 or 403, in SCIM format', async () => {
    const { console: admin, scim } = await scimTenant(server);
    const none = await scim('GET', '/Users', undefined, { authorization: null });
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="SCIM"');
    expectScimError(await scim('GET', '/Users', undefined, { authorization: bearer(`apt_${'A'.repeat(43)}`) }), 401);
    expectScimError(await scim('GET', '/Users', undefined, { authorization: 'Bearer not-a-token' }), 401);
    expectScimError(await scim('GET', '/ServiceProviderConfig', undefined, { authorization: basic('a@b.example', 'x') }), 401);
    const auditToken = await createApiToken(admin, ['AUDIT_READ', 'USERS_READ'], 'Reports');
    expectScimError(await scimClient(server, auditToken.token)('GET', '/Users'), 403);
    expectScimError(await scimClient(server, auditToken.token)('POST', '/Users', { userName: userName() }), 403);
  });

  it('lets a SCIM token do nothing but SCIM, and never with another scope', async () => {
    const { console: admin, token } = await scimTenant(server);
    const graphql = await graphqlWithAuthorization(server, bearer(token), AdminUsersDocument, { first: 1 });
    expect(graphql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audit = await graphqlWithAuthorization(server, bearer(token), AuditEntriesDocument, { first: 1 });
    expect(audit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphqlWithAuthorization(server, bearer(token), VIEWER_ID)).data?.viewer ?? null).toBeNull();
    expect((await getWith(server, '/export/audit.csv', { authorization: bearer(token) })).status).toBe(403);

    const mixed = await admin.request(CreateApiTokenDocument, { input: { name: 'Both', scopes: ['SCIM', 'AUDIT_READ'] } });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
    const tokens = await admin.request(ApiTokensDocument);
    expect(tokens.data!.apiTokens.map(({ name, scopes }) => ({ name, scopes }))).toEqual([{ name: 'Entra ID', scopes: ['SCIM'] }]);
  });
});

describe('tenants', () => {
  it("answers 404 for another tenant's users and never lists them", async () => {
    const a = await scimTenant(server);
    const b = await scimTenant(server);
    const user = await create(a.scim);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { userName: userName() }],
      ['PATCH', { Operations: [{ op: 'replace', path: 'active', value: false }] }],
      ['DELETE', undefined],
    ] as const) {
      expectScimError(await b.scim(method, `/Users/${user.id}`, body), 404);
    }
    const list = await b.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`);
    expect(list.body.totalResults).toBe(0);
    expect((await b.scim('GET', '/Users')).body.Resources).toEqual([expect.objectContaining({ userName: b.admin.email })]);
    expect((await a.scim('GET', `/Users/${user.id}`)).body.active).toBe(true);
    // The identity provider cannot take the organisation's last active admin away.
    expectScimError(await a.scim('PATCH', `/Users/${a.admin.id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] }), 409);
    expectScimError(await a.scim('DELETE', `/Users/${a.admin.id}`), 409);
    expect((await a.scim('GET', `/Users/${a.admin.id}`)).body).toMatchObject({ userName: a.admin.email, active: true });
    expectScimError(await a.scim('GET', '/Users/not-a-uuid'), 404);
    expectScimError(await a.scim('GET', '/Users/00000000-0000-4000-8000-000000000000'), 404);
  });
});

describe('uniqueness', () => {
  it('refuses a taken userName (any case, any tenant) or externalId with 409 uniqueness, and writes nothing', async () => {
    const a = await scimTenant(server);
    const b = await scimTenant(server);
    const first = await create(a.scim, userName('dup'), { externalId: 'ext-1' });
    const second = await create(a.scim);
    const count = async () => (await server.db.query('SELECT count(*)::int AS n FROM users'))[0].n;
    const before = await count();
    expectScimError(await a.scim('POST', '/Users', { userName: first.userName }), 409, 'uniqueness');
    expectScimError(await a.scim('POST', '/Users', { userName: first.userName.toUpperCase() }), 409, 'uniqueness');
    expectScimError(await b.scim('POST', '/Users', { userName: first.userName }), 409, 'uniqueness');
    expectScimError(await a.scim('POST', '/Users', { userName: userName(), externalId: 'ext-1' }), 409, 'uniqueness');
    const rename = { Operations: [{ op: 'Replace', path: 'userName', value: first.userName }] };
    expectScimError(await a.scim('PATCH', `/Users/${second.id}`, rename), 409, 'uniqueness');
    expectScimError(await a.scim('PUT', `/Users/${second.id}`, { userName: first.userName }), 409, 'uniqueness');
    expect(await count()).toBe(before);
    expect((await a.scim('GET', `/Users/${second.id}`)).body.userName).toBe(second.userName);
  });
});

describe('discovery', () => {
  it('describes itself: ServiceProviderConfig, ResourceTypes, Schemas; Groups and Bulk are not implemented', async () => {
    const { scim } = await scimTenant(server);
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body).toMatchObject({
      schemas: [LIST_SCHEMA],
      totalResults: 1,
      Resources: [{ id: 'User', endpoint: '/Users', schema: USER_SCHEMA }],
    });
    expect((await scim('GET', '/ResourceTypes/User')).body).toEqual(types.body.Resources[0]);
    expectScimError(await scim('GET', '/ResourceTypes/Group'), 404);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA]);
    const attributes = schemas.body.Resources[0].attributes.map((a: { name: string }) => a.name);
    expect(attributes).toEqual(['userName', 'name', 'displayName', 'emails', 'active']);
    expect((await scim('GET', `/Schemas/${USER_SCHEMA}`)).body).toEqual(schemas.body.Resources[0]);
    for (const [method, path] of [
      ['GET', '/Groups'],
      ['POST', '/Groups'],
      ['PATCH', '/Groups/abc'],
      ['GET', '/Groups?filter=displayName%20eq%20%22x%22'],
      ['POST', '/Bulk'],
      ['GET', '/Me'],
    ]) {
      expectScimError(await scim(method!, path!, method === 'GET' ? undefined : {}), 501);
    }
    expectScimError(await scim('GET', '/Nothing'), 404);
    expectScimError(await scim('DELETE', '/Users'), 405);
    expectScimError(await scim('POST', '/ServiceProviderConfig', {}), 405);
  });
});

describe('paging', () => {
  it('pages from a 1-based startIndex with count, up to 100 a page', async () => {
    const { scim, admin } = await scimTenant(server);
    const names = [];
    for (let i = 0; i < 5; i++) names.push((await create(scim, `page-${i}-${userName()}`)).userName);
    const all = [admin.email, ...names].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()));
    const page = await scim('GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 6, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(all.slice(1, 3));
    expect((await scim('GET', '/Users?startIndex=6&count=10')).body).toMatchObject({ totalResults: 6, startIndex: 6, itemsPerPage: 1 });
    expect((await scim('GET', '/Users?startIndex=7')).body).toMatchObject({ totalResults: 6, itemsPerPage: 0, Resources: [] });
    expect((await scim('GET', '/Users?count=0')).body).toMatchObject({ totalResults: 6, itemsPerPage: 0, Resources: [] });
    expect((await scim('GET', '/Users?startIndex=0&count=1000')).body).toMatchObject({ startIndex: 1, itemsPerPage: 6 });
    expect((await scim('GET', '/Users?startIndex=-5&count=-1')).body).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
    expectScimError(await scim('GET', '/Users?startIndex=abc'), 400, 'invalidValue');
    expectScimError(await scim('GET', '/Users?count=1.5'), 400, 'invalidValue');
    expectScimError(await scim('GET', '/Users?filter=displayName%20eq%20%22x%22'), 400, 'invalidFilter');
    expectScimError(await scim('GET', '/Users?filter=a&filter=b'), 400, 'invalidFilter');
  });
});

describe('locations', () => {
  it('builds meta.location and Location from PUBLIC_URL, whatever Host header the request carried', async () => {
    const publicUrl = 'https://apppasswords.example.com';
    const behindProxy = await startTestServer({ publicUrl });
    try {
      const { token } = await scimTenant(behindProxy);
      // What a client (or someone in between) could put in Host: it must not end up in a link the provider stores.
      const send = (method: string, path: string, body?: object) =>
        new Promise<{ status: number; location: string | undefined; body: any }>((resolve, reject) => {
          const payload = body === undefined ? undefined : JSON.stringify(body);
          const request = httpRequest(
            `${behindProxy.url}/scim/v2${path}`,
            {
              method,
              headers: {
                host: 'attacker.example',
                authorization: `Bearer ${token}`,
                ...(payload ? { 'content-type': 'application/scim+json' } : {}),
              },
            },
            (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('end', () =>
                resolve({ status: response.statusCode!, location: response.headers.location, body: JSON.parse(text) }),
              );
            },
          );
          request.on('error', reject);
          request.end(payload);
        });
      const name = userName();
      const created = await send('POST', '/Users', { schemas: [USER_SCHEMA], userName: name });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.meta.location).toBe(`${publicUrl}/scim/v2/Users/${created.body.id}`);
      expect(created.location).toBe(created.body.meta.location);
      const listed = await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
      expect(listed.body.Resources.map((r: { meta: { location: string } }) => r.meta.location)).toEqual([created.body.meta.location]);
      expect((await send('GET', '/ServiceProviderConfig')).body.meta.location).toBe(`${publicUrl}/scim/v2/ServiceProviderConfig`);
    } finally {
      await behindProxy.close();
    }
  });
});
