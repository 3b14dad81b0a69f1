import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntriesDocument } from '@app-passwords/schema';
import { auditRows, dataOf } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  expectScimError,
  LIST_SCHEMA,
  PATCH_SCHEMA,
  SCIM_TYPE,
  scimTenant,
  USER_SCHEMA,
  userName,
  withConsolePassword,
  type ScimResponse,
} from '../support/scim.js';

/**
 * An identity provider's provisioning, replayed as Microsoft Entra ID and Okta
 * document sending it, against the real server: every status and body, and
 * what the user and their apps notice.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOf = (...operations: object[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

function expectUser(response: ScimResponse, status: number, expected: Record<string, unknown>): Record<string, any> {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  const { body } = response;
  expect(body).toMatchObject({ schemas: [USER_SCHEMA], meta: { resourceType: 'User' }, ...expected });
  expect(body.meta.location).toBe(`${server.url}/scim/v2/Users/${body.id}`);
  expect(response.headers.get('location')).toBe(body.meta.location);
  expect(new Date(body.meta.created).toISOString()).toBe(body.meta.created);
  expect(Date.parse(body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(body.meta.created));
  return body;
}

const userRow = async (id: string) =>
  (
    await server.db.query(
      'SELECT email, display_name, role, status, source, external_id, password_hash IS NULL AS "noPassword" FROM users WHERE id = $1',
      [id],
    )
  )[0];

describe('Microsoft Entra ID', () => {
  it('tests the connection, then creates, reads, disables, enables, renames, changes and deletes a user', async () => {
    const { tenant, scim, tokenId, console: admin } = await scimTenant(server, 'Entra ID');

    // "Test connection": a filter on a random GUID, which must be an empty list, not an error.
    const probe = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`);
    expect(probe.status).toBe(200);
    expect(probe.headers.get('content-type')).toBe(`${SCIM_TYPE}; charset=utf-8`);
    expect(probe.body).toEqual({ schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const name = userName('adele');
    const created = expectUser(
      await scim('POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId: 'entra-0001',
        userName: name,
        active: true,
        displayName: 'Adele Vance',
        emails: [{ primary: true, type: 'work', value: name }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Adele Vance', familyName: 'Vance', givenName: 'Adele' },
        roles: [],
        title: 'Retail Manager',
        [ENTERPRISE]: { department: 'Retail', employeeNumber: '1234' },
      }),
      201,
      {
        externalId: 'entra-0001',
        userName: name,
        displayName: 'Adele Vance',
        name: { givenName: 'Adele', familyName: 'Vance', formatted: 'Adele Vance' },
        emails: [{ value: name, type: 'work', primary: true }],
        active: true,
      },
    );
    expect(Object.keys(created)).not.toContain('title');
    expect(await userRow(created.id)).toEqual({
      email: name,
      display_name: 'Adele Vance',
      role: 'USER',
      status: 'ACTIVE',
      source: 'scim',
      external_id: 'entra-0001',
      noPassword: true,
    });
    expect(await auditRows(server.db, tenant.id, 'user.created')).toEqual([
      expect.objectContaining({ actor_type: 'api_token', actor_api_token_id: tokenId, target_user_id: created.id }),
    ]);

    expect((await scim('GET', `/Users/${created.id}`)).body).toEqual(created);
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name.toUpperCase()}"`)}`);
    expect(found.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1, Resources: [created] });

    // Adele uses an app password in her mail app.
    const adele = await withConsolePassword(server, tenant.id, created.id, name);
    const { password } = await createAppPassword(server, adele);
    expect((await checkBasic(server, basic(name, password))).status).toBe(204);

    // Disabled with Entra ID's string boolean: the app password stops on the very next request.
    const disabled = await scim('PATCH', `/Users/${created.id}`, patchOf({ op: 'Replace', path: 'active', value: 'False' }));
    expectUser(disabled, 200, { id: created.id, active: false });
    expect((await checkBasic(server, basic(name, password))).status).toBe(401);
    expect((await userRow(created.id)).status).toBe('DISABLED');

    expectUser(await scim('PATCH', `/Users/${created.id}`, patchOf({ op: 'Replace', path: 'active', value: true })), 200, { active: true });
    expect((await checkBasic(server, basic(name, password))).status).toBe(204);

    // Renamed: the same app password works under the new sign-in name, not under the old one.
    const renamedTo = userName('adele.vance');
    expectUser(await scim('PATCH', `/Users/${created.id}`, patchOf({ op: 'Replace', path: 'userName', value: renamedTo })), 200, {
      userName: renamedTo,
    });
    expect((await checkBasic(server, basic(renamedTo, password))).status).toBe(204);
    expect((await checkBasic(server, basic(name, password))).status).toBe(401);

    const workAddress = userName('adele.work');
    const changed = await scim(
      'PATCH',
      `/Users/${created.id}`,
      patchOf(
        { op: 'Add', path: 'emails[type eq "work"].value', value: workAddress },
        { op: 'Replace', path: 'name.familyName', value: 'Vance-Smith' },
        { op: 'Replace', path: 'title', value: 'Manager' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
      ),
    );
    expectUser(changed, 200, {
      userName: renamedTo,
      emails: [{ value: workAddress, type: 'work', primary: true }],
      name: { givenName: 'Adele', familyName: 'Vance-Smith' },
      displayName: 'Adele Vance',
    });
    const byWork = await scim('GET', `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${workAddress}"`)}`);
    expect(byWork.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.id]);

    const deleted = await scim('DELETE', `/Users/${created.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await checkBasic(server, basic(renamedTo, password))).status).toBe(401);
    expectScimError(await scim('GET', `/Users/${created.id}`), 404);
    expectScimError(await scim('DELETE', `/Users/${created.id}`), 404);
    expect(await server.db.query('SELECT 1 FROM app_passwords WHERE user_id = $1', [created.id])).toEqual([]);

    const byToken = (rows: Awaited<ReturnType<typeof auditRows>>) =>
      rows.map((r) => [r.action, r.actor_type, r.actor_api_token_id, r.target_user_id] as const);
    const events = byToken(await auditRows(server.db, tenant.id)).filter(
      ([action]) => action.startsWith('user.') || action === 'app_password.revoked',
    );
    expect(events.slice(0, 5)).toEqual([
      ['user.created', 'api_token', tokenId, created.id],
      ['user.disabled', 'api_token', tokenId, created.id],
      ['user.enabled', 'api_token', tokenId, created.id],
      ['user.renamed', 'api_token', tokenId, created.id],
      ['user.updated', 'api_token', tokenId, created.id],
    ]);
    expect(events.slice(5)).toEqual(
      expect.arrayContaining([
        ['app_password.revoked', 'api_token', tokenId, created.id],
        ['user.deleted', 'api_token', tokenId, created.id],
      ]),
    );
    expect(events).toHaveLength(7);
    // One transaction: PostgreSQL's now() is the transaction's start, the same for both.
    const times = await server.db.query(
      `SELECT DISTINCT occurred_at FROM audit_events WHERE target_user_id = $1 AND action IN ('app_password.revoked', 'user.deleted')`,
      [created.id],
    );
    expect(times).toHaveLength(1);

    // The console's audit log names the token, as a SCIM token.
    const entries = dataOf(await admin.request(AuditEntriesDocument, { filter: { actionKind: 'USER_DELETED' }, first: 5 })).auditEntries;
    expect(entries.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ actorKind: 'API_TOKEN', actorApiTokenName: 'Entra ID', actorApiTokenScopes: ['SCIM'], actorEmail: null }),
    ]);
  });
});

describe('Okta', () => {
  it('looks the user up, creates, replaces with PUT, deactivates with a value object and deletes', async () => {
    const { scim } = await scimTenant(server, 'Okta');
    const name = userName('isaiah');
    const lookup = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`);
    expect(lookup.body).toEqual({ schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const okta = {
      schemas: [USER_SCHEMA],
      userName: name,
      name: { givenName: 'Isaiah', familyName: 'Langer' },
      emails: [{ primary: true, value: name, type: 'work' }],
      displayName: 'Isaiah Langer',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: 'an-initial-password-okta-may-send',
      active: true,
    };
    const created = expectUser(await scim('POST', '/Users', okta), 201, { userName: name, displayName: 'Isaiah Langer', active: true });
    expect((await userRow(created.id)).noPassword).toBe(true);

    const replaced = await scim('PUT', `/Users/${created.id}`, {
      ...okta,
      id: created.id,
      name: { givenName: 'Isaiah', familyName: 'Langer-Okafor' },
      displayName: 'Isaiah Langer-Okafor',
      meta: created.meta,
    });
    expectUser(replaced, 200, {
      id: created.id,
      displayName: 'Isaiah Langer-Okafor',
      name: { givenName: 'Isaiah', familyName: 'Langer-Okafor', formatted: 'Isaiah Langer-Okafor' },
      externalId: '00ujl29u0le5T6Aj10h7',
    });

    expect(Date.parse(replaced.body.meta.lastModified)).toBeGreaterThan(Date.parse(created.meta.lastModified));
    // Nothing this server keeps changed: the same lastModified.
    const unchanged = await scim('PATCH', `/Users/${created.id}`, patchOf({ op: 'replace', value: { locale: 'nl-NL', title: 'Chef' } }));
    expect(unchanged.body).toEqual(replaced.body);

    const deactivated = await scim('PATCH', `/Users/${created.id}`, patchOf({ op: 'replace', value: { active: false } }));
    expectUser(deactivated, 200, { id: created.id, active: false, displayName: 'Isaiah Langer-Okafor' });
    expect((await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`)).body.Resources[0].active).toBe(false);

    expect((await scim('DELETE', `/Users/${created.id}`)).status).toBe(204);
    expect(await userRow(created.id)).toBeUndefined();
  });
});
