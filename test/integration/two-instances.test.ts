import { describe, expect, it } from 'vitest';
import { basic, checkBasic, createAppPassword, randomIp } from '../support/app-passwords.js';
import { createTenant, createUser } from '../support/factories.js';
import { twoInstancesForFile, type TestServer } from '../support/test-server.js';
import { DeleteAppPasswordDocument } from '@app-passwords/schema';
/** Two instances behind one load balancer: one database, one lookup key, a cache each. */
const { a, b } = twoInstancesForFile();

/** A user whose app password was created on A and is now remembered by both instances. */
async function warmOnBoth() {
  const tenant = await createTenant(a.db);
  const user = await createUser(a.db, tenant);
  const appPassword = await createAppPassword(a, user);
  const ip = randomIp();
  const authorization = basic(user.email, appPassword.password);
  const check = async (on: TestServer) => {
    const stats = on.app.services.appPasswordSignIn.stats;
    const before = { ...stats };
    const response = await checkBasic(on, authorization, { ip });
    return {
      status: response.status,
      warm: stats.cacheHits - before.cacheHits === 1 && stats.argon2Verifications === before.argon2Verifications,
    };
  };
  expect(await check(a)).toEqual({ status: 204, warm: false });
  expect(await check(b)).toEqual({ status: 204, warm: false });
  return { tenant, user, appPassword, check };
}

describe('two instances over one database', () => {
  it('accepts on B an app password created on A, and each instance then remembers it', async () => {
    const { user, appPassword, check } = await warmOnBoth();
    expect(await check(a)).toEqual({ status: 204, warm: true });
    expect(await check(b)).toEqual({ status: 204, warm: true });

    const response = await checkBasic(b, basic(user.email, appPassword.password));
    expect(response.headers.get('x-auth-app-password-id')).toBe(appPassword.id);
    expect(response.headers.get('x-auth-user-id')).toBe(user.id);
  });

  it('refuses on B at the very next request an app password deleted on A, although B remembered it', async () => {
    const { appPassword, check } = await warmOnBoth();
    const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });

    expect(await check(b)).toEqual({ status: 401, warm: true });
    expect(await check(a)).toEqual({ status: 401, warm: true });
    // Forgotten, too: the next attempt is a cold one, and fails.
    expect(await check(b)).toEqual({ status: 401, warm: false });
  });

  it('refuses on both instances at the next request once the user is disabled', async () => {
    const { user, check } = await warmOnBoth();
    await a.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.id]);
    expect(await check(a)).toEqual({ status: 401, warm: true });
    expect(await check(b)).toEqual({ status: 401, warm: true });
  });

  it('follows the tenant policy on both instances: off refuses, on again accepts', async () => {
    const { tenant, check } = await warmOnBoth();
    await a.db.query('UPDATE tenant_policies SET app_passwords_enabled = false WHERE tenant_id = $1', [tenant.id]);
    expect(await check(a)).toEqual({ status: 401, warm: true });
    expect(await check(b)).toEqual({ status: 401, warm: true });

    await b.db.query('UPDATE tenant_policies SET app_passwords_enabled = true WHERE tenant_id = $1', [tenant.id]);
    expect((await check(a)).status).toBe(204);
    expect((await check(b)).status).toBe(204);
  });
});
