import { describe, expect, it } from 'vitest';
import { createTenant, createUser, signedInClient } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { CreateAppPasswordDocument, DeleteAppPasswordDocument, SecurityInfoDocument } from '@app-passwords/schema';

const server = testServerForFile();

describe('a user manages their app passwords', () => {
  it('creates, lists and deletes an app password, and the slot frees at once', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);

    const before = await client.request(SecurityInfoDocument);
    expect(before.data?.viewer?.tenant).toEqual({ id: tenant.id, name: tenant.name });
    expect(before.data?.viewer?.securityInfo).toMatchObject({
      appPasswords: [],
      appPasswordCount: 0,
      appPasswordLimit: 40,
      availableMethods: ['AUTHENTICATOR_APP', 'APP_PASSWORD'],
    });

    const created = await client.request(CreateAppPasswordDocument, { input: { name: '  Thunderbird on my laptop ' } });
    expect(created.errors).toBeUndefined();
    const { password, appPassword } = created.data!.createAppPassword;
    expect(password).toMatch(/^[a-z]{28}$/);
    expect(appPassword).toMatchObject({ name: 'Thunderbird on my laptop', lastUsedAt: null });
    expect(created.headers.get('cache-control')).toBe('no-store');

    const listed = await client.request(SecurityInfoDocument);
    expect(listed.data?.viewer?.securityInfo.appPasswordCount).toBe(1);
    expect(listed.data?.viewer?.securityInfo.appPasswords).toMatchObject([
      {
        id: appPassword.id,
        name: 'Thunderbird on my laptop',
        createdAt: appPassword.createdAt,
        lastUsedAt: null,
        lastUsedIp: null,
        expiresAt: null,
      },
    ]);

    const deleted = await client.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
    const after = await client.request(SecurityInfoDocument);
    expect(after.data?.viewer?.securityInfo).toMatchObject({ appPasswords: [], appPasswordCount: 0 });

    const again = await client.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(GraphQLClient.code(again)).toBe('NOT_FOUND');
  });

  it('returns the secret exactly once: never in a later query, the audit trail, the table or the log', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const created = await client.request(CreateAppPasswordDocument, { input: { name: 'Printer' } });
    const { password, appPassword } = created.data!.createAppPassword;

    const later = await client.request(SecurityInfoDocument);
    expect(later.body).not.toContain(password);

    const [row] = await server.db.query('SELECT row_to_json(a)::text AS json FROM app_passwords a WHERE id = $1', [appPassword.id]);
    expect(row.json).not.toContain(password);
    expect(row.json).toContain('$argon2id$v=19$m=19456,t=2,p=1$');

    const audit: Array<{ json: string }> = await server.db.query(
      'SELECT row_to_json(e)::text AS json FROM audit_events e WHERE tenant_id = $1',
      [tenant.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.json).toContain(appPassword.id);
    expect(audit[0]!.json).not.toContain(password);
    expect(server.logs.join('\n')).not.toContain(password);
  });

  it('writes an audit event for each create and delete, with actor, name, IP and user agent', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const client = await signedInClient(server, user);
    const created = await client.request(CreateAppPasswordDocument, { input: { name: 'CalDAV sync' } });
    const { id } = created.data!.createAppPassword.appPassword;
    await client.request(DeleteAppPasswordDocument, { id });

    const events = await server.db.query(
      `SELECT action, actor_type, actor_user_id, target_user_id, app_password_id, app_password_name, host(client_ip) AS ip, user_agent
         FROM audit_events WHERE tenant_id = $1 ORDER BY id`,
      [tenant.id],
    );
    const common = {
      actor_type: 'user',
      actor_user_id: user.id,
      target_user_id: user.id,
      app_password_id: id,
      app_password_name: 'CalDAV sync',
      ip: '127.0.0.1',
    };
    expect(events).toEqual([
      { action: 'app_password.created', ...common, user_agent: expect.any(String) },
      { action: 'app_password.deleted', ...common, user_agent: expect.any(String) },
    ]);
  });
});
