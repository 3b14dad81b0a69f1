import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, print } from 'graphql';
import { SecurityInfoDocument, ViewerDocument } from '@app-passwords/schema';
import { sha256 } from '../../server/src/common/secure-random.js';
import { pgPool } from '../../server/src/db/pg-pool.js';
import { statementsSent } from '../../server/src/db/statement-count.js';
import { securityInfoSelect } from '../../server/src/modules/security-info/security-info.read.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestUser } from '../support/factories.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { giveTwoStep } from '../support/two-step.js';

/**
 * The console's security-info page is read by the session lookup itself, in
 * one statement (`security_info_for_session`): the session's rules and
 * row-level security must hold there as on every other path.
 */
let server: TestServer;
let user: TestUser;
let client: GraphQLClient;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server.db, await createTenant(server.db));
  await insertAppPasswords(server.db, user, 2);
});

afterAll(async () => {
  await server?.close();
});

/** The page as the console asks for it: its app passwords' count, or null when the session did not count. */
async function page(): Promise<number | null> {
  const result = await client.request(SecurityInfoDocument);
  expect(result.errors).toBeUndefined();
  return result.data!.viewer ? result.data!.viewer.securityInfo.appPasswords.length : null;
}

const lastSeen = async () =>
  ((await server.db.query('SELECT last_seen_at FROM sessions WHERE user_id = $1', [user.id])) as Array<{ last_seen_at: Date }>)[0]!
    .last_seen_at;

describe("the security-info page's session lookup", () => {
  it('slides the idle window at most once a minute, and counts an idle, ended or disabled session as none', async () => {
    client = await signedInClient(server, user);
    await server.db.query("UPDATE sessions SET last_seen_at = now() - interval '30 seconds' WHERE user_id = $1", [user.id]);
    const recent = await lastSeen();
    expect(await page()).toBe(2);
    expect(await lastSeen()).toEqual(recent); // less than a minute: not written

    await server.db.query("UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE user_id = $1", [user.id]);
    expect(await page()).toBe(2);
    expect(Date.now() - (await lastSeen()).getTime()).toBeLessThan(10_000);

    await server.db.query("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1", [user.id]);
    expect(await page()).toBeNull();

    client = await signedInClient(server, user);
    await server.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    expect(await page()).toBeNull();

    client = await signedInClient(server, user);
    await server.db.query("UPDATE users SET status = 'DISABLED' WHERE id = $1", [user.id]);
    try {
      expect(await page()).toBeNull();
    } finally {
      await server.db.query("UPDATE users SET status = 'ACTIVE' WHERE id = $1", [user.id]);
    }
  });

  it('keeps a live session whose tenant has no policy row: the page says NOT_FOUND, as the ordinary read does', async () => {
    const lone = await createUser(server.db, await createTenant(server.db));
    const loneClient = await signedInClient(server, lone);
    await server.db.query('DELETE FROM tenant_policies WHERE tenant_id = $1', [lone.tenantId]);
    const result = await loneClient.request(SecurityInfoDocument);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    const viewer = await loneClient.request(ViewerDocument);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data?.viewer).toMatchObject({ email: lone.email });
  });

  it('reads as the role that calls it, under row-level security, scoped for its own statement only', async () => {
    client = await signedInClient(server, user);
    const token = client.cookie!.slice(client.cookie!.indexOf('=') + 1);
    const [{ definer }] = await server.db.query("SELECT prosecdef AS definer FROM pg_proc WHERE proname = 'security_info_for_session'");
    expect(definer).toBe(false);

    const connection = await pgPool(server.runtimeDb).connect();
    try {
      const { rows } = await connection.query('SELECT tenant_id, app_passwords FROM security_info_for_session($1, 1800)', [sha256(token)]);
      expect(rows).toHaveLength(1);
      expect(rows[0].tenant_id).toBe(user.tenantId);
      expect(rows[0].app_passwords).toHaveLength(2);
      // The scope ended with the statement: the same connection sees no tenant's rows now.
      expect((await connection.query("SELECT current_setting('app.tenant_id', true) AS scope")).rows[0].scope).toBe('');
      expect((await connection.query('SELECT count(*)::int AS n FROM app_passwords')).rows[0].n).toBe(0);

      // Inside a transaction scoped to another tenant, it refuses rather than widen what that transaction reads.
      const other = await createTenant(server.db);
      await connection.query('BEGIN');
      await connection.query("SELECT set_config('app.tenant_id', $1, true)", [other.id]);
      await expect(connection.query('SELECT * FROM security_info_for_session($1, 1800)', [sha256(token)])).rejects.toThrow(
        /another tenant/,
      );
      await connection.query('ROLLBACK');
    } finally {
      connection.release();
    }
  });

  it('answers exactly what the ordinary lookup and read answer: timestamps, addresses, rotation and two-step included', async () => {
    const owner = await giveTwoStep(server, await createUser(server.db, await createTenant(server.db)));
    const [rotating, used] = await insertAppPasswords(server.db, owner, 3);
    await server.db.query(
      `UPDATE app_passwords SET expires_at = now() + interval '30 days', last_used_at = now() - interval '1 hour',
              last_used_ip = '192.0.2.7', previous_valid_until = now() + interval '2 hours', previous_secret_hash = 'not-a-hash',
              previous_lookup_tag = sha256('rotated'), previous_secret_version = 1 WHERE id = $1`,
      [rotating],
    );
    await server.db.query("UPDATE app_passwords SET last_used_at = now() - interval '3 days', last_used_ip = '2001:db8::5' WHERE id = $1", [
      used,
    ]);
    const ownerClient = await signedInClient(server, owner);

    const before = statementsSent(server.runtimeDb);
    const carried = await ownerClient.request(SecurityInfoDocument);
    expect(statementsSent(server.runtimeDb) - before).toBe(1); // the session lookup read the page
    // One field more than the session lookup can answer: the lookup, then the page's read in the request's transaction.
    const ordinary = await ownerClient.request(
      print(SecurityInfoDocument).replace('query SecurityInfo {', 'query SecurityInfoAsUsual {\n  services { key }'),
    );
    expect(carried.errors).toBeUndefined();
    expect(ordinary.errors).toBeUndefined();
    const page = carried.data!.viewer!;
    expect(page.securityInfo.twoStep.enabled).toBe(true);
    // Made in one statement: same creation time, so in no particular order here.
    const states = page.securityInfo.appPasswords.map((a) => [a.lastUsedIp, a.rotatingUntil !== null, a.expiresAt !== null]);
    expect(states).toHaveLength(3);
    expect(states).toEqual(
      expect.arrayContaining([
        ['192.0.2.7', true, true],
        ['2001:db8::5', false, false],
        [null, false, false],
      ]),
    );
    expect((ordinary.data as { viewer: unknown }).viewer).toEqual(page);
  });

  it('lists the services, networks and uses of each app password as reading it alone does', async () => {
    const owner = await createUser(server.db, await createTenant(server.db));
    const [every, allowed, narrowed, disallowed] = await insertAppPasswords(server.db, owner, 4);
    const set = (id: string | undefined, change: string) => server.db.query(`UPDATE app_passwords SET ${change} WHERE id = $1`, [id]);
    // every: services NULL (every service the tenant allows); allowed: the tenant's list, as creating one keeps it.
    await set(allowed, "services = ARRAY['imap','smtp','caldav','graphql'], networks = '{192.0.2.0/24}'");
    await set(narrowed, "services = ARRAY['smtp','imap']");
    await set(disallowed, "services = ARRAY['caldav','imap','webdav']");
    await server.db.query("UPDATE tenant_policies SET allowed_services = ARRAY['imap','smtp','caldav','graphql'] WHERE tenant_id = $1", [
      owner.tenantId,
    ]);
    await server.db.query(
      `INSERT INTO app_password_service_uses (tenant_id, app_password_id, service, last_used_at)
       VALUES ($1, $2, 'smtp', now() - interval '1 day'), ($1, $2, 'imap', now() - interval '40 days'), ($1, $3, 'caldav', now())`,
      [owner.tenantId, narrowed, disallowed],
    );
    const ownerClient = await signedInClient(server, owner);

    const page = await ownerClient.request(SecurityInfoDocument);
    expect(page.errors).toBeUndefined();
    const listed = new Map(page.data!.viewer!.securityInfo.appPasswords.map((a) => [a.id, a]));
    expect(listed.get(every!)?.services).toEqual(['imap', 'smtp', 'caldav', 'graphql']);
    expect(listed.get(allowed!)).toMatchObject({ services: ['imap', 'smtp', 'caldav', 'graphql'], networks: ['192.0.2.0/24'] });
    expect(listed.get(narrowed!)).toMatchObject({ services: ['smtp', 'imap'], usedServices: ['smtp'], suggestedServices: null });
    expect(listed.get(disallowed!)).toMatchObject({ services: ['caldav', 'imap'], usedServices: ['caldav'] });
    // Reading one app password by id takes another statement (the columns of the inventory), which must agree.
    const fields = print(
      SecurityInfoDocument.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === 'AppPasswordFields')!,
    );
    for (const [id, entry] of listed) {
      const alone = await ownerClient.request<{ viewer: { appPassword: unknown } }>(
        `query One($id: ID!) { viewer { appPassword(id: $id) { ...AppPasswordFields } } } ${fields}`,
        { id },
      );
      expect(alone.errors).toBeUndefined();
      expect(alone.data!.viewer.appPassword).toEqual(entry);
    }
  });

  it("installs the module's current read (a change to it needs a migration)", async () => {
    const [{ source }] = await server.db.query("SELECT prosrc AS source FROM pg_proc WHERE proname = 'security_info_for_session'");
    const words = (sql: string) => sql.replace(/\s+/g, ' ').trim();
    expect(words(source)).toContain(words(securityInfoSelect('v_session.tenant_id', 'v_session.user_id')));
  });
});
