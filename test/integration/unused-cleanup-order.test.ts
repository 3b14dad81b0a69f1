import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPasswordCleanupService } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.service.js';
import { unusedMoments } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.rules.js';
import { sweepDensity } from '../../server/src/modules/app-password-cleanup/unused-revocation.js';
import { adminTenant, auditRows, dataOf, type AdminTenant } from '../support/admin.js';
import { createUser, type TestUser } from '../support/factories.js';
import { passDays } from '../support/tenant-clock.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { UpdateTenantPolicyDocument } from '@app-passwords/schema';

/**
 * The clean-up's two ways of revoking (unused-revocation.ts): a big tenant's due app passwords by a sweep of the table
 * in block order, a few through their notices. Either way each goes once, with one audit event, and one that an app
 * holds right now (its sign-in's transaction) is skipped, not waited for, and revoked on a later day.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const DAYS = 30;
const moments = () => unusedMoments(new Date(), DAYS);

/** `count` app passwords of `owner` unused for 45 days, named `Device <n>`, in one statement. */
async function unusedAppPasswords(owner: TestUser, count: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await server.db.query(
    `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag, created_at)
     SELECT $1, $2, 'Device ' || i, 'not-a-hash', sha256(gen_random_uuid()::text::bytea), now() - interval '45 days'
       FROM generate_series(1, $3::int) i
     RETURNING id`,
    [owner.tenantId, owner.id, count],
  );
  return rows.map((r) => r.id);
}

const tablePages = async (): Promise<number> => {
  const [{ pages }] = await server.db.query(`SELECT (pg_relation_size('app_passwords') / 8192)::int AS pages`);
  return pages;
};

/** Told, a week passes, then a run (batches of `batchSize`) while an app holds `held`; returns that run's report. */
async function revokeWhileHeld(t: AdminTenant, held: string, batchSize: number) {
  const cleanup = new AppPasswordCleanupService(server.runtimeDb, { batchSize });
  await cleanup.runDue({ tenantIds: [t.tenant.id] });
  await passDays(server.db, t.tenant.id, 7);
  const sweep = (await sweepDensity(server.runtimeDb, t.tenant.id, moments())) !== null;
  const signIn = server.db.createQueryRunner();
  await signIn.connect();
  await signIn.startTransaction();
  try {
    await signIn.query('SELECT 1 FROM app_passwords WHERE id = $1 FOR UPDATE', [held]);
    return { sweep, report: await cleanup.runDue({ tenantIds: [t.tenant.id] }), cleanup };
  } finally {
    await signIn.rollbackTransaction();
    await signIn.release();
  }
}

async function expectRevokedOnceEach(tenantId: string, ids: string[]) {
  const revoked = (await auditRows(server.db, tenantId, 'app_password.revoked')).map((r) => r.app_password_id);
  expect([...revoked].sort()).toEqual([...ids].sort());
  const left: Array<{ n: number }> = await server.db.query('SELECT count(*)::int AS n FROM app_passwords WHERE tenant_id = $1', [tenantId]);
  expect(left[0]!.n).toBe(0);
  // Their notices went with them.
  const notices: Array<{ n: number }> = await server.db.query(
    'SELECT count(*)::int AS n FROM app_password_unused_notices WHERE tenant_id = $1',
    [tenantId],
  );
  expect(notices[0]!.n).toBe(0);
}

describe('revoking unused app passwords in the cheaper order', () => {
  it('sweeps the table for a tenant with more due than the table has pages, skipping one an app holds', async () => {
    const t = await adminTenant(server);
    const owner = await createUser(server.db, t.tenant);
    dataOf(await t.console.request(UpdateTenantPolicyDocument, { input: { revokeUnusedAfterDays: DAYS } }));
    const ids = await unusedAppPasswords(owner, 2 * (await tablePages()) + 40);
    const { sweep, report, cleanup } = await revokeWhileHeld(t, ids[0]!, 7);
    expect(sweep).toBe(true);
    expect(report).toMatchObject({ tenants: 1, revoked: ids.length - 1 });
    // The next day the app holds it no more: it goes then.
    await passDays(server.db, t.tenant.id, 1);
    expect(await cleanup.runDue({ tenantIds: [t.tenant.id] })).toMatchObject({ revoked: 1 });
    await expectRevokedOnceEach(t.tenant.id, ids);
  });

  it('takes a few due app passwords through their notices, skipping one an app holds', async () => {
    const t = await adminTenant(server);
    const owner = await createUser(server.db, t.tenant);
    dataOf(await t.console.request(UpdateTenantPolicyDocument, { input: { revokeUnusedAfterDays: DAYS } }));
    // Another tenant's app passwords: the table has more pages than this tenant has app passwords due.
    const other = await adminTenant(server);
    await unusedAppPasswords(await createUser(server.db, other.tenant), 400);
    const ids = await unusedAppPasswords(owner, 5);
    expect(await tablePages()).toBeGreaterThan(ids.length);
    const { sweep, report, cleanup } = await revokeWhileHeld(t, ids[2]!, 2);
    expect(sweep).toBe(false);
    expect(report).toMatchObject({ tenants: 1, revoked: ids.length - 1 });
    await passDays(server.db, t.tenant.id, 1);
    expect(await cleanup.runDue({ tenantIds: [t.tenant.id] })).toMatchObject({ revoked: 1 });
    await expectRevokedOnceEach(t.tenant.id, ids);
  });
});
