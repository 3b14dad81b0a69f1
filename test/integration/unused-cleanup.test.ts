import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../server/src/db/data-source.js';
import { AppPasswordCleanupService } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.service.js';
import { expiryReminderDue, revokeOn } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.rules.js';
import { entities } from '../../server/src/services.js';
import { adminTenant, auditRows, dataOf, insertAppPassword, type AdminTenant } from '../support/admin.js';
import { basic, checkBasic, createAppPassword } from '../support/app-passwords.js';
import { createUser, signedInClient, type TestUser } from '../support/factories.js';
import { passDays } from '../support/tenant-clock.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  AccountActivityDocument,
  TenantPolicyDocument,
  UnusedAppPasswordsPreviewDocument,
  UpdateTenantPolicyDocument,
  type UpdateTenantPolicyInput,
} from '@app-passwords/schema';

/**
 * The daily clean-up (issue 14): unused app passwords are revoked 7 days
 * after their owner was told, and owners are reminded of expiries. The job
 * runs as every instance runs it (claimed per tenant, once per UTC day), only
 * for this file's tenants; time passes by moving the tenant's times back, as
 * a clock would, with the job's own "last run" too.
 */
let server: TestServer;
let cleanup: AppPasswordCleanupService;
beforeAll(async () => {
  server = await startTestServer();
  cleanup = new AppPasswordCleanupService(server.runtimeDb);
});
afterAll(async () => {
  await server?.close();
});

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const inDays = (days: number) => new Date(Date.now() + days * DAY);
const isoDay = (at: Date) => at.toISOString().slice(0, 10);
const todayPlus = (days: number) =>
  isoDay(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + days * DAY));

async function setPolicy(t: AdminTenant, input: UpdateTenantPolicyInput) {
  return t.console.request(UpdateTenantPolicyDocument, { input });
}

const run = (t: { tenant: { id: string } }, job = cleanup) => job.runDue({ tenantIds: [t.tenant.id] });

async function remaining(tenantId: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await server.db.query('SELECT name FROM app_passwords WHERE tenant_id = $1 ORDER BY name', [
    tenantId,
  ]);
  return rows.map((r) => r.name);
}

/** A tenant with the policy at `days` and app passwords unused for various times. */
async function unusedTenant(days = 90) {
  const t = await adminTenant(server);
  const owner = await createUser(server.db, t.tenant);
  dataOf(await setPolicy(t, { revokeUnusedAfterDays: days }));
  const ids = {
    usedLongAgo: await insertAppPassword(server.db, owner, { name: 'a used long ago', createdAt: daysAgo(400), lastUsedAt: daysAgo(200) }),
    neverUsed: await insertAppPassword(server.db, owner, { name: 'b never used', createdAt: daysAgo(100) }),
    dueSoon: await insertAppPassword(server.db, owner, { name: 'c due in 5 days', createdAt: daysAgo(days - 5) }),
    dueLater: await insertAppPassword(server.db, t.admin, { name: 'd due in 10 days', createdAt: daysAgo(days - 10) }),
    inUse: await insertAppPassword(server.db, owner, { name: 'e in use', createdAt: daysAgo(400), lastUsedAt: daysAgo(10) }),
  };
  return { ...t, owner, ids };
}

describe('revoking unused app passwords', () => {
  it('tells owners first and revokes only 7 days later, as the dry run said, one audit event each', async () => {
    const t = await unusedTenant(90);
    const preview = dataOf(await t.console.request(UnusedAppPasswordsPreviewDocument, { days: 90 })).unusedAppPasswordsPreview;
    expect(preview).toEqual({ count: 3, owners: 1, firstRevocationOn: todayPlus(7) });

    // Day 0: notices only. Switching the policy on revoked nothing.
    expect(await run(t)).toMatchObject({ tenants: 1, noticed: 3, revoked: 0 });
    expect(await remaining(t.tenant.id)).toHaveLength(5);
    const notices = await auditRows(server.db, t.tenant.id, 'app_password.unused_notice');
    expect(notices.map((n) => n.app_password_name).sort()).toEqual(['a used long ago', 'b never used', 'c due in 5 days']);
    for (const notice of notices) {
      expect(notice).toMatchObject({ actor_type: 'system', actor_user_id: null, target_user_id: t.owner.id });
      expect(notice.details).toMatchObject({ revokeOn: todayPlus(7), revokeUnusedAfterDays: 90 });
    }
    expect(notices.find((n) => n.app_password_name === 'a used long ago')!.details.unusedDays).toBe(200);
    // The SQL's revokeOn is the rule's (app-password-cleanup.rules.ts).
    const told: Array<{ id: string; since: Date; noticed: Date }> = await server.db.query(
      `SELECT ap.id, coalesce(ap.last_used_at, ap.created_at) AS since, n.noticed_at AS noticed
         FROM app_passwords ap JOIN app_password_unused_notices n ON n.app_password_id = ap.id WHERE ap.tenant_id = $1`,
      [t.tenant.id],
    );
    expect(told).toHaveLength(3);
    for (const row of told) {
      expect(notices.find((n) => n.app_password_id === row.id)!.details.revokeOn).toBe(revokeOn(row.since, 90, row.noticed));
    }
    // Once a day per tenant: the same day again does nothing.
    expect(await run(t)).toMatchObject({ tenants: 0, noticed: 0, revoked: 0 });

    // Day 6: still nothing revoked; the next one to be due is told now.
    await passDays(server.db, t.tenant.id, 6);
    expect(await run(t)).toMatchObject({ tenants: 1, noticed: 1, revoked: 0 });
    expect(await remaining(t.tenant.id)).toHaveLength(5);

    // Day 7: the three told on day 0 go, exactly as many as the dry run counted.
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ tenants: 1, noticed: 0, revoked: preview.count });
    expect(await remaining(t.tenant.id)).toEqual(['d due in 10 days', 'e in use']);
    const revoked = await auditRows(server.db, t.tenant.id, 'app_password.revoked');
    expect(revoked).toHaveLength(3);
    for (const r of revoked) expect(r).toMatchObject({ actor_type: 'system', target_user_id: t.owner.id, details: { reason: 'unused' } });
    expect(revoked.map((r) => r.app_password_id).sort()).toEqual(notices.map((n) => n.app_password_id).sort());

    // The owner sees both in their account activity.
    const owner = await signedInClient(server, t.owner);
    const activity = dataOf(await owner.request(AccountActivityDocument, { first: 20 })).viewer!.accountActivity.edges.map((e) => e.node);
    expect(activity.filter((e) => e.actionKind === 'APP_PASSWORD_UNUSED_NOTICE')).toHaveLength(3);
    expect(activity.filter((e) => e.actionKind === 'APP_PASSWORD_REVOKED' && e.actorKind === 'SYSTEM')).toHaveLength(3);
  });

  it('forgets the notice when the app password is used again, and does not revoke it', async () => {
    const t = await adminTenant(server);
    const owner = await createUser(server.db, t.tenant);
    const appPassword = await createAppPassword(server, owner);
    await server.db.query('UPDATE app_passwords SET created_at = $2 WHERE id = $1', [appPassword.id, daysAgo(100)]);
    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 30 }));
    expect(await run(t)).toMatchObject({ noticed: 1 });

    expect((await checkBasic(server, basic(owner.email, appPassword.password))).status).toBe(204);
    await server.app.services.appPasswordSignIn.drain();
    // Used after the notice: the notice no longer holds.
    const [row] = await server.db.query(
      'SELECT ap.last_used_at > n.noticed_at AS used_since FROM app_passwords ap JOIN app_password_unused_notices n ON n.app_password_id = ap.id WHERE ap.id = $1',
      [appPassword.id],
    );
    expect(row.used_since).toBe(true);

    await passDays(server.db, t.tenant.id, 7);
    expect(await run(t)).toMatchObject({ tenants: 1, noticed: 0, revoked: 0 });
    expect(await remaining(t.tenant.id)).toEqual(['Mail app']);
    expect((await checkBasic(server, basic(owner.email, appPassword.password))).status).toBe(204);
  });

  it('switched off, forgets its notices; switched on again, tells owners again and waits 7 more days', async () => {
    const t = await unusedTenant(90);
    expect(await run(t)).toMatchObject({ noticed: 3 });
    dataOf(await setPolicy(t, { revokeUnusedAfterDays: null }));
    await passDays(server.db, t.tenant.id, 10);
    expect(await run(t)).toMatchObject({ noticesWithdrawn: 3, revoked: 0, noticed: 0 });

    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 90 }));
    await passDays(server.db, t.tenant.id, 1);
    // Four are due by now (the fourth is the admin's), none is revoked before a fresh notice has had its 7 days.
    expect(await run(t)).toMatchObject({ noticed: 4, revoked: 0 });
    await passDays(server.db, t.tenant.id, 6);
    expect(await run(t)).toMatchObject({ revoked: 0 });
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ revoked: 4 });
    expect(await remaining(t.tenant.id)).toEqual(['e in use']);
  });

  it('raised, forgets the notices it no longer makes due; lowered again, tells those owners again', async () => {
    const t = await unusedTenant(90);
    expect(await run(t)).toMatchObject({ noticed: 3 });
    // Each day looks only at app passwords that became unused enough since the day before: nothing new today.
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ noticed: 0, noticesWithdrawn: 0 });

    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 365 }));
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ noticesWithdrawn: 3, noticed: 0, revoked: 0 });

    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 90 }));
    await passDays(server.db, t.tenant.id, 1);
    // The three told before, a fresh notice each, 7 days before they go.
    expect(await run(t)).toMatchObject({ noticesWithdrawn: 0, noticed: 3, revoked: 0 });
    await passDays(server.db, t.tenant.id, 7);
    // Meanwhile the admin's has become due within 7 days: told, not revoked.
    expect(await run(t)).toMatchObject({ revoked: 3, noticed: 1 });
    expect(await remaining(t.tenant.id)).toEqual(['d due in 10 days', 'e in use']);
  });

  it('works through more than one batch, one notice and one revocation per app password', async () => {
    const t = await adminTenant(server);
    const owners = [await createUser(server.db, t.tenant), await createUser(server.db, t.tenant)];
    for (let i = 0; i < 23; i++) {
      await insertAppPassword(server.db, owners[i % 2]!, { name: `Device ${i}`, createdAt: daysAgo(60 + (i % 5)) });
    }
    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 30 }));
    const small = new AppPasswordCleanupService(server.runtimeDb, { batchSize: 5 });
    expect(dataOf(await t.console.request(UnusedAppPasswordsPreviewDocument, { days: 30 })).unusedAppPasswordsPreview).toMatchObject({
      count: 23,
      owners: 2,
    });
    expect(await run(t, small)).toMatchObject({ noticed: 23 });
    await passDays(server.db, t.tenant.id, 7);
    expect(await run(t, small)).toMatchObject({ revoked: 23 });
    expect(await remaining(t.tenant.id)).toEqual([]);
    for (const action of ['app_password.unused_notice', 'app_password.revoked']) {
      const ids = (await auditRows(server.db, t.tenant.id, action)).map((r) => r.app_password_id);
      expect(ids, action).toHaveLength(23);
      expect(new Set(ids).size, action).toBe(23);
    }
  });

  it('run by two instances at once, cleans a tenant once: each app password is told and revoked once', async () => {
    const t = await adminTenant(server);
    const owner = await createUser(server.db, t.tenant);
    for (let i = 0; i < 12; i++) await insertAppPassword(server.db, owner, { name: `Device ${i}`, createdAt: daysAgo(45) });
    dataOf(await setPolicy(t, { revokeUnusedAfterDays: 30 }));
    const other: DataSource = createDataSource(inject('databaseUrl'), 4, { runtime: true, entities });
    await other.initialize();
    try {
      const a = new AppPasswordCleanupService(server.runtimeDb, { batchSize: 3 });
      const b = new AppPasswordCleanupService(other, { batchSize: 3 });
      for (const step of ['noticed', 'revoked'] as const) {
        if (step === 'revoked') await passDays(server.db, t.tenant.id, 7);
        const reports = await Promise.all([run(t, a), run(t, b), run(t, a), run(t, b)]);
        expect(
          reports.reduce((sum, r) => sum + r[step], 0),
          step,
        ).toBe(12);
        expect(
          reports.reduce((sum, r) => sum + r.tenants, 0),
          step,
        ).toBe(1);
      }
    } finally {
      await other.destroy();
    }
    expect(await remaining(t.tenant.id)).toEqual([]);
    for (const action of ['app_password.unused_notice', 'app_password.revoked']) {
      const ids = (await auditRows(server.db, t.tenant.id, action)).map((r) => r.app_password_id);
      expect(new Set(ids).size, action).toBe(12);
      expect(ids, action).toHaveLength(12);
    }
  });

  it('leaves other tenants alone: policy off (the default) or longer', async () => {
    const a = await unusedTenant(90);
    const off = await adminTenant(server);
    const longer = await adminTenant(server);
    dataOf(await setPolicy(longer, { revokeUnusedAfterDays: 365 }));
    for (const t of [off, longer]) {
      await insertAppPassword(server.db, t.admin, { name: 'old', createdAt: daysAgo(300) });
      await insertAppPassword(server.db, t.admin, { name: 'used long ago', createdAt: daysAgo(400), lastUsedAt: daysAgo(200) });
    }
    for (let day = 0; day < 8; day++) {
      await cleanup.runDue({ tenantIds: [a.tenant.id, off.tenant.id, longer.tenant.id] });
      for (const t of [a, off, longer]) await passDays(server.db, t.tenant.id, 1);
    }
    expect(await remaining(a.tenant.id)).toEqual(['d due in 10 days', 'e in use']);
    for (const t of [off, longer]) {
      expect(await remaining(t.tenant.id)).toEqual(['old', 'used long ago']);
      expect(await auditRows(server.db, t.tenant.id, 'app_password.unused_notice')).toEqual([]);
    }
    // The dry run counts only the asking admin's tenant.
    expect(dataOf(await off.console.request(UnusedAppPasswordsPreviewDocument, { days: 30 })).unusedAppPasswordsPreview.count).toBe(2);
  });

  it('refuses days outside 30–730 with BAD_USER_INPUT naming the field, and saves nothing', async () => {
    const t = await adminTenant(server);
    const before = dataOf(await t.console.request(TenantPolicyDocument)).tenantPolicy;
    expect(before).toMatchObject({ revokeUnusedAfterDays: null, expiryReminders: true });
    for (const days of [0, 29, 731, -5, 100000]) {
      const result = await setPolicy(t, { revokeUnusedAfterDays: days, maxAppPasswordsPerUser: 5, expiryReminders: false });
      expect(result.errors?.[0]?.extensions, String(days)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revokeUnusedAfterDays' });
      const preview = await t.console.request(UnusedAppPasswordsPreviewDocument, { days });
      expect(preview.errors?.[0]?.extensions, String(days)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    }
    expect(dataOf(await t.console.request(TenantPolicyDocument)).tenantPolicy).toEqual(before);
    expect(await auditRows(server.db, t.tenant.id, 'tenant_policy.updated')).toEqual([]);

    for (const days of [30, 730, null]) {
      const saved = dataOf(await setPolicy(t, { revokeUnusedAfterDays: days })).updateTenantPolicy.policy;
      expect(saved.revokeUnusedAfterDays).toBe(days);
    }
    const audited = await auditRows(server.db, t.tenant.id, 'tenant_policy.updated');
    expect(audited[0]!.details).toMatchObject({ before: { revokeUnusedAfterDays: null }, after: { revokeUnusedAfterDays: 30 } });
  });
});

describe('expiry reminders', () => {
  async function expiringTenant() {
    const t = await adminTenant(server);
    const owner: TestUser = await createUser(server.db, t.tenant);
    const add = (name: string, createdDaysAgo: number, expiresInDays: number) =>
      insertAppPassword(server.db, owner, { name, createdAt: daysAgo(createdDaysAgo), expiresAt: inDays(expiresInDays) });
    await add('in 13 days', 60, 13);
    await add('in 2 days', 60, 2);
    await add('short-lived, in 11 days', 2, 11);
    await add('in 30 days', 60, 30);
    await add('expired', 60, -1);
    return { ...t, owner };
  }
  const reminders = async (tenantId: string) =>
    (await auditRows(server.db, tenantId, 'app_password.expiring')).map((r) => `${r.app_password_name}: ${r.details.daysLeft}`).sort();

  it('tells owners 14 and 3 days before, once each', async () => {
    const t = await expiringTenant();
    // The rule in TypeScript says which are due; the job's SQL sends exactly those.
    const rows: Array<{ name: string; created_at: Date; expires_at: Date }> = await server.db.query(
      'SELECT name, created_at, expires_at FROM app_passwords WHERE tenant_id = $1',
      [t.tenant.id],
    );
    const now = new Date();
    const due = rows.flatMap((r) => {
      const days = expiryReminderDue({ createdAt: r.created_at, expiresAt: r.expires_at, sent: null }, now);
      return days ? [`${r.name}: ${days}`] : [];
    });
    expect(await run(t)).toMatchObject({ reminded: 2 });
    expect(await reminders(t.tenant.id)).toEqual(due.sort());
    expect(await reminders(t.tenant.id)).toEqual(['in 13 days: 14', 'in 2 days: 3']);
    const [first] = await auditRows(server.db, t.tenant.id, 'app_password.expiring');
    expect(first).toMatchObject({ actor_type: 'system', target_user_id: t.owner.id });
    expect(new Date(first!.details.expiresAt).getTime()).toBeGreaterThan(Date.now());

    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ tenants: 1, reminded: 0 });
    // 9 more days: "in 13 days" is 3 days off, the short-lived one 1 (it never lived 14 days: no 14-day reminder).
    await passDays(server.db, t.tenant.id, 9);
    expect(await run(t)).toMatchObject({ reminded: 2 });
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ reminded: 0 });
    await passDays(server.db, t.tenant.id, 7);
    expect(await run(t)).toMatchObject({ reminded: 1 });
    expect(await reminders(t.tenant.id)).toEqual([
      'in 13 days: 14',
      'in 13 days: 3',
      'in 2 days: 3',
      'in 30 days: 14',
      'short-lived, in 11 days: 3',
    ]);
    const owner = await signedInClient(server, t.owner);
    const activity = dataOf(await owner.request(AccountActivityDocument, { actionKind: 'APP_PASSWORD_EXPIRING', first: 20 }));
    expect(activity.viewer!.accountActivity.edges).toHaveLength(5);
  });

  it('sends none while the policy has them off', async () => {
    const t = await expiringTenant();
    dataOf(await setPolicy(t, { expiryReminders: false }));
    expect(await run(t)).toMatchObject({ tenants: 1, reminded: 0 });
    expect(await reminders(t.tenant.id)).toEqual([]);
    dataOf(await setPolicy(t, { expiryReminders: true }));
    await passDays(server.db, t.tenant.id, 1);
    expect(await run(t)).toMatchObject({ reminded: 2 });
  });
});
