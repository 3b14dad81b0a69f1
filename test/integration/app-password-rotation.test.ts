import { RotateAppPasswordDocument, SecurityInfoDocument, UpdateTenantPolicyDocument } from '@app-passwords/schema';
import { describe, expect, it } from 'vitest';
import { adminTenant, auditRows, dataOf } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { twoInstancesForFile, type TestServer } from '../support/test-server.js';

const HOUR = 3600_000;

/** Two instances over one database (one lookup key, a memory of successes each); 127.0.0.1 is their proxy. */
const { a, b } = twoInstancesForFile();

/** A user with one app password, created on A with services and networks of its own. */
async function owner() {
  const org = await adminTenant(a);
  const user = await createUser(a.db, org.tenant);
  const created = await createAppPassword(a, user, { name: 'Thunderbird', services: ['imap', 'smtp'], networks: ['10.0.0.0/8'] });
  return { org, user, ...created };
}

async function rotate(console: GraphQLClient, id: string) {
  const result = await console.request(RotateAppPasswordDocument, { id });
  if (result.data) recordSecret(result.data.rotateAppPassword.password);
  return result;
}

/** Checks on `server` for `service`, from the app password's network; `warm`: answered from the instance's memory, without argon2. */
async function check(server: TestServer, user: TestUser, secret: string, ip = '10.1.2.3') {
  const stats = server.app.services.appPasswordSignIn.stats;
  const before = { hits: stats.cacheHits, argon2: stats.argon2Verifications };
  const response = await checkBasic(server, basic(user.email, secret), { ip, query: 'service=imap' });
  return { status: response.status, warm: stats.cacheHits === before.hits + 1 && stats.argon2Verifications === before.argon2 };
}

async function row(id: string) {
  const [found] = await a.db.query(
    `SELECT secret_version, previous_secret_version, previous_lookup_tag IS NOT NULL AS keeps_previous, previous_valid_until
       FROM app_passwords WHERE id = $1`,
    [id],
  );
  return found;
}

describe('rotating an app password', () => {
  it('gives a new secret once for the same app password; old and new both work, on both instances, during the overlap', async () => {
    const who = await owner();
    const listed = async () => dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords;
    expect(await check(a, who.user, who.password)).toEqual({ status: 204, warm: false });
    const [before] = await listed();
    expect(before!.rotatingUntil).toBeNull();

    const rotated = dataOf(await rotate(who.console, who.id)).rotateAppPassword;
    expect(rotated.password).toMatch(/^[a-z]{28}$/);
    expect(rotated.password).not.toBe(who.password);
    const { rotatingUntil, ...same } = rotated.appPassword;
    const { rotatingUntil: notRotating, ...sameBefore } = before!;
    expect({ same, notRotating }).toEqual({ same: sameBefore, notRotating: null });
    expect(Math.abs(Date.parse(rotatingUntil!) - (Date.now() + 24 * HOUR))).toBeLessThan(60_000);
    expect((await listed())[0]!.rotatingUntil).toBe(rotatingUntil);
    // Takes no slot.
    expect(dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswordCount).toBe(1);

    // The old secret, remembered on A and cold on B; its scope is the app password's, unchanged.
    expect(await check(a, who.user, who.password)).toEqual({ status: 204, warm: true });
    expect(await check(b, who.user, who.password)).toEqual({ status: 204, warm: false });
    expect(await check(b, who.user, who.password)).toEqual({ status: 204, warm: true });
    expect((await check(b, who.user, who.password, '192.0.2.1')).status).toBe(401);

    const [audit] = await auditRows(a.db, who.org.tenant.id, 'app_password.rotated');
    expect(audit).toMatchObject({
      actor_type: 'user',
      actor_user_id: who.user.id,
      target_user_id: who.user.id,
      app_password_id: who.id,
      app_password_name: 'Thunderbird',
      details: { overlapEndsAt: new Date(rotatingUntil!).toISOString(), replacedUnusedSecret: false },
    });
    const everything = JSON.stringify(await a.db.query('SELECT * FROM audit_events WHERE tenant_id = $1', [who.org.tenant.id]));
    expect(everything).not.toContain(rotated.password);
    expect(everything).not.toContain(who.password);
  });

  it('retires the old secret at the first use of the new one, at once on both instances although both remembered it', async () => {
    const who = await owner();
    const rotated = dataOf(await rotate(who.console, who.id)).rotateAppPassword;
    for (const server of [a, b]) {
      expect((await check(server, who.user, who.password)).status).toBe(204);
      expect(await check(server, who.user, who.password)).toEqual({ status: 204, warm: true });
    }

    expect(await check(a, who.user, rotated.password)).toEqual({ status: 204, warm: false });

    expect(await check(b, who.user, who.password)).toEqual({ status: 401, warm: true });
    expect(await check(a, who.user, who.password)).toEqual({ status: 401, warm: true });
    // Forgotten, too: a cold check of it is a wrong password.
    expect(await check(b, who.user, who.password)).toEqual({ status: 401, warm: false });
    expect(await check(b, who.user, rotated.password)).toEqual({ status: 204, warm: false });
    expect(await check(a, who.user, rotated.password)).toEqual({ status: 204, warm: true });

    expect(await row(who.id)).toEqual({
      secret_version: 2,
      previous_secret_version: null,
      keeps_previous: false,
      previous_valid_until: null,
    });
    const finished = await auditRows(a.db, who.org.tenant.id, 'app_password.rotation_finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      actor_type: 'system',
      actor_user_id: null,
      target_user_id: who.user.id,
      app_password_id: who.id,
      details: { reason: 'new_secret_used' },
    });
    const listed = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords;
    expect(listed[0]!.rotatingUntil).toBeNull();
  });

  it('ends the overlap after 24 hours: the old secret is refused at once, the sweep forgets it and audits overlap_ended', async () => {
    const who = await owner();
    const rotated = dataOf(await rotate(who.console, who.id)).rotateAppPassword;
    expect(await check(a, who.user, who.password)).toEqual({ status: 204, warm: false });
    expect(await check(a, who.user, who.password)).toEqual({ status: 204, warm: true });

    // A day later, as far as the database is concerned.
    await a.db.query(`UPDATE app_passwords SET previous_valid_until = now() - interval '1 second' WHERE id = $1`, [who.id]);
    expect(await check(a, who.user, who.password)).toEqual({ status: 401, warm: true });
    expect(await check(b, who.user, who.password)).toEqual({ status: 401, warm: false });
    const listed = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords;
    expect(listed[0]!.rotatingUntil).toBeNull();

    expect(await a.app.services.appPasswordRotation.endOverlaps()).toBeGreaterThanOrEqual(1);
    expect(await row(who.id)).toMatchObject({ secret_version: 2, keeps_previous: false, previous_valid_until: null });
    expect(await b.app.services.appPasswordRotation.endOverlaps()).toBe(0);
    expect(await check(b, who.user, rotated.password)).toEqual({ status: 204, warm: false });

    const finished = await auditRows(a.db, who.org.tenant.id, 'app_password.rotation_finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ actor_type: 'system', app_password_id: who.id, details: { reason: 'overlap_ended' } });
  });

  it('rotating again during the overlap replaces the unused new secret and keeps the one apps still use', async () => {
    const who = await owner();
    const first = dataOf(await rotate(who.console, who.id)).rotateAppPassword;
    const second = dataOf(await rotate(who.console, who.id)).rotateAppPassword;

    expect((await check(a, who.user, first.password)).status).toBe(401);
    expect((await check(a, who.user, who.password)).status).toBe(204);
    expect((await check(a, who.user, second.password)).status).toBe(204);
    expect((await check(b, who.user, who.password)).status).toBe(401);
    expect(await row(who.id)).toMatchObject({ secret_version: 3, keeps_previous: false });
    const rotations = await auditRows(a.db, who.org.tenant.id, 'app_password.rotated');
    expect(rotations.map((r) => r.details.replacedUnusedSecret)).toEqual([false, true]);
  });

  it('two rotations at once take turns: both answer, the later secret works, the old one still does, nothing half-written', async () => {
    const who = await owner();
    const results = await Promise.all([rotate(who.console, who.id), rotate(who.console, who.id), rotate(who.console, who.id)]);
    const secrets = results.map((r) => dataOf(r).rotateAppPassword.password);
    const working = [];
    for (const secret of secrets) if ((await check(b, who.user, secret)).status === 204) working.push(secret);
    expect(working).toHaveLength(1);
    expect(await row(who.id)).toMatchObject({ secret_version: 4, previous_secret_version: null, keeps_previous: false });
    expect(await auditRows(a.db, who.org.tenant.id, 'app_password.rotated')).toHaveLength(3);

    // Before the working one was used, the original was kept throughout: check that on a fresh one.
    const again = await owner();
    await Promise.all([rotate(again.console, again.id), rotate(again.console, again.id)]);
    expect((await check(a, again.user, again.password)).status).toBe(204);
    expect(await row(again.id)).toMatchObject({ secret_version: 3, previous_secret_version: 1, keeps_previous: true });
  });

  it("refuses another user's, another tenant's and an unknown id with NOT_FOUND; an admin cannot rotate a user's", async () => {
    const who = await owner();
    const colleague = await createUser(a.db, who.org.tenant);
    const colleagueConsole = await signedInClient(a, colleague);
    const stranger = await createUser(a.db, await createTenant(a.db));
    const strangerConsole = await signedInClient(a, stranger);
    for (const console of [colleagueConsole, strangerConsole, who.org.console]) {
      expect(GraphQLClient.code(await rotate(console, who.id))).toBe('NOT_FOUND');
    }
    expect(GraphQLClient.code(await rotate(who.console, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    const bad = await rotate(who.console, 'not-an-id');
    expect({ code: GraphQLClient.code(bad), field: bad.errors?.[0]?.extensions?.field }).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await row(who.id)).toMatchObject({ secret_version: 1, keeps_previous: false });
    expect(await auditRows(a.db, who.org.tenant.id, 'app_password.rotated')).toHaveLength(0);
  });

  it('refuses an expired app password with APP_PASSWORD_EXPIRED, changing nothing', async () => {
    const who = await owner();
    await a.db.query(`UPDATE app_passwords SET expires_at = now() - interval '1 minute' WHERE id = $1`, [who.id]);
    const refused = await rotate(who.console, who.id);
    expect(GraphQLClient.code(refused)).toBe('APP_PASSWORD_EXPIRED');
    expect(refused.data).toBeNull();
    expect(await row(who.id)).toMatchObject({ secret_version: 1, keeps_previous: false });
  });

  it('applies the rules of creating: recent sign-in, app passwords on, two-step where required; but no free slot needed', async () => {
    const org = await adminTenant(a);
    dataOf(await org.console.request(UpdateTenantPolicyDocument, { input: { maxAppPasswordsPerUser: 1 } }));
    const user = await createUser(a.db, org.tenant);
    const { id, console } = await createAppPassword(a, user);
    expect(dataOf(await rotate(console, id)).rotateAppPassword.appPassword.id).toBe(id);

    await a.db.query(`UPDATE sessions SET authenticated_at = now() - interval '11 minutes' WHERE user_id = $1`, [user.id]);
    expect(GraphQLClient.code(await rotate(console, id))).toBe('REAUTHENTICATION_REQUIRED');
    const fresh = await signedInClient(a, user);

    await a.db.query('UPDATE tenant_policies SET app_passwords_enabled = false WHERE tenant_id = $1', [org.tenant.id]);
    expect(GraphQLClient.code(await rotate(fresh, id))).toBe('APP_PASSWORDS_DISABLED');
    await a.db.query(
      'UPDATE tenant_policies SET app_passwords_enabled = true, require_two_step_for_app_passwords = true WHERE tenant_id = $1',
      [org.tenant.id],
    );
    // Made before the tenant required two-step verification: it may still be used, but gets no new secret.
    expect(GraphQLClient.code(await rotate(fresh, id))).toBe('TWO_STEP_REQUIRED');
    expect(await row(id)).toMatchObject({ secret_version: 2 });
    expect(await auditRows(a.db, org.tenant.id, 'app_password.rotated')).toHaveLength(1);
  });
});
