import {
  AppPasswordHistoryDocument,
  CreateAppPasswordDocument,
  DeleteAllMyAppPasswordsDocument,
  DeleteAppPasswordDocument,
  RenameAppPasswordDocument,
  SecurityInfoDocument,
  UpdateTenantPolicyDocument,
} from '@app-passwords/schema';
import { describe, expect, it } from 'vitest';
import { auditRows, dataOf, userWithAdmin } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, graphqlWithAuthorization, randomIp } from '../support/app-passwords.js';
import { createUser, type TestUser } from '../support/factories.js';
import { testServerForFile } from '../support/test-server.js';

const DAY = 24 * 3600 * 1000;

/** Trusts 127.0.0.1 as a proxy: each check says which client it is for. */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

const owner = () => userWithAdmin(server);

function errorOf(result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) {
  return { code: result.errors?.[0]?.extensions?.code, field: result.errors?.[0]?.extensions?.field };
}

async function count(user: TestUser): Promise<number> {
  const [{ n }] = await server.db.query('SELECT count(*)::int AS n FROM app_passwords WHERE user_id = $1', [user.id]);
  return n;
}

describe('expiry chosen at creation', () => {
  it('takes a number of days or a time, never beyond the tenant maximum; neither: the maximum', async () => {
    const who = await owner();
    dataOf(await who.org.console.request(UpdateTenantPolicyDocument, { input: { maxLifetimeDays: 90 } }));
    expect(dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.maxLifetimeDays).toBe(90);

    const in30 = dataOf(await who.console.request(CreateAppPasswordDocument, { input: { name: 'Thirty', expiresInDays: 30 } }));
    expect(Math.abs(Date.parse(in30.createAppPassword.appPassword.expiresAt!) - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
    const at = new Date(Date.now() + 10 * DAY).toISOString();
    const onDate = dataOf(await who.console.request(CreateAppPasswordDocument, { input: { name: 'Date', expiresAt: at } }));
    expect(onDate.createAppPassword.appPassword.expiresAt).toBe(at);
    const byDefault = dataOf(await who.console.request(CreateAppPasswordDocument, { input: { name: 'Default' } }));
    expect(Math.abs(Date.parse(byDefault.createAppPassword.appPassword.expiresAt!) - (Date.now() + 90 * DAY))).toBeLessThan(60_000);

    const before = await count(who.user);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ expiresInDays: 365 }, 'expiresInDays'],
      [{ expiresInDays: 0 }, 'expiresInDays'],
      [{ expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'expiresAt'],
      [{ expiresAt: new Date(Date.now() + 91 * DAY).toISOString() }, 'expiresAt'],
      [{ expiresInDays: 10, expiresAt: at }, 'expiresAt'],
    ];
    for (const [choice, field] of refusals) {
      const result = await who.console.request(CreateAppPasswordDocument, { input: { name: 'Refused', ...choice } });
      expect(errorOf(result), JSON.stringify(choice)).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    expect(await count(who.user)).toBe(before);
  });

  it('may be never, or a year, where the tenant has no maximum; an app password past its time is refused', async () => {
    const who = await owner();
    expect(dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.maxLifetimeDays).toBeNull();
    const never = dataOf(await who.console.request(CreateAppPasswordDocument, { input: { name: 'Never' } }));
    expect(never.createAppPassword.appPassword.expiresAt).toBeNull();
    const year = dataOf(await who.console.request(CreateAppPasswordDocument, { input: { name: 'Year', expiresInDays: 365 } }));
    expect(Date.parse(year.createAppPassword.appPassword.expiresAt!)).toBeGreaterThan(Date.now() + 364 * DAY);

    const soon = dataOf(
      await who.console.request(CreateAppPasswordDocument, {
        input: { name: 'Soon', expiresAt: new Date(Date.now() + 1500).toISOString() },
      }),
    );
    const authorization = basic(who.user.email, soon.createAppPassword.password);
    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await checkBasic(server, authorization, { ip: randomIp() })).status).toBe(401);
  });
});

describe('renaming', () => {
  it('renames one of your own app passwords, audited; the secret keeps working; bad names and other ids are refused', async () => {
    const who = await owner();
    const phone = await createAppPassword(server, who.user, { console: who.console, name: 'Phone' });
    const renamed = dataOf(await who.console.request(RenameAppPasswordDocument, { input: { id: phone.id, name: '  Work phone ' } }));
    expect(renamed.renameAppPassword.appPassword).toMatchObject({ id: phone.id, name: 'Work phone' });
    expect((await checkBasic(server, basic(who.user.email, phone.password), { ip: randomIp() })).status).toBe(204);
    const audit = await auditRows(server.db, who.org.tenant.id, 'app_password.renamed');
    expect(audit.map((a) => [a.app_password_id, a.app_password_name, a.details])).toEqual([
      [phone.id, 'Work phone', { before: 'Phone', after: 'Work phone' }],
    ]);

    for (const name of ['', '   ', 'x'.repeat(65), 'a\u0000b']) {
      const result = await who.console.request(RenameAppPasswordDocument, { input: { id: phone.id, name } });
      expect(errorOf(result).code, JSON.stringify(name)).toBe('BAD_USER_INPUT');
      expect(String(errorOf(result).field)).toMatch(/name$/);
    }
    const huge = await who.console.request(RenameAppPasswordDocument, { input: { id: phone.id, name: 'x'.repeat(10_000) } });
    expect(errorOf(huge).code).toBe('BAD_USER_INPUT');
    const other = await owner();
    expect(errorOf(await other.console.request(RenameAppPasswordDocument, { input: { id: phone.id, name: 'Mine now' } })).code).toBe(
      'NOT_FOUND',
    );
    const [{ name }] = await server.db.query('SELECT name FROM app_passwords WHERE id = $1', [phone.id]);
    expect(name).toBe('Work phone');
  });
});

describe('deleting all of mine', () => {
  it('deletes every one of your app passwords at once, one audit event each, and apps are refused from the next request', async () => {
    const who = await owner();
    const made = [];
    for (const name of ['Laptop', 'Phone', 'Printer']) made.push(await createAppPassword(server, who.user, { console: who.console, name }));
    const neighbour = await createUser(server.db, who.org.tenant);
    const theirs = await createAppPassword(server, neighbour);

    // Not for an app signed in with one of them.
    const overBasic = await graphqlWithAuthorization(server, basic(who.user.email, made[0]!.password), DeleteAllMyAppPasswordsDocument);
    expect(overBasic.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count(who.user)).toBe(3);

    const done = dataOf(await who.console.request(DeleteAllMyAppPasswordsDocument));
    expect(done.deleteAllMyAppPasswords.deletedCount).toBe(3);
    expect(await count(who.user)).toBe(0);
    expect(await count(neighbour)).toBe(1);
    for (const a of made) expect((await checkBasic(server, basic(who.user.email, a.password), { ip: randomIp() })).status).toBe(401);
    expect((await checkBasic(server, basic(neighbour.email, theirs.password), { ip: randomIp() })).status).toBe(204);
    const audit = await auditRows(server.db, who.org.tenant.id, 'app_password.deleted');
    expect(audit.map((a) => a.app_password_id).sort()).toEqual(made.map((a) => a.id).sort());
    expect(dataOf(await who.console.request(DeleteAllMyAppPasswordsDocument)).deleteAllMyAppPasswords.deletedCount).toBe(0);
  });
});

describe('history of an app password', () => {
  it('shows its latest 20 checks, newest first, with address, service and outcome, and the addresses of 90 days', async () => {
    const who = await owner();
    const mail = await createAppPassword(server, who.user, { console: who.console, services: ['imap', 'smtp'] });
    const authorization = basic(who.user.email, mail.password);
    const home = randomIp();
    const office = randomIp();
    expect((await checkBasic(server, authorization, { ip: home, query: 'service=imap' })).status).toBe(204);
    expect((await checkBasic(server, authorization, { ip: office, query: 'service=caldav' })).status).toBe(401);
    expect((await checkBasic(server, authorization, { ip: office, query: 'service=smtp' })).status).toBe(204);
    await server.app.services.signInLog.flush();

    const history = dataOf(await who.console.request(AppPasswordHistoryDocument, { id: mail.id })).viewer!.appPassword!;
    expect(history.recentSignIns.map((e) => [e.outcome, e.service, e.clientIp])).toEqual([
      ['SUCCESS', 'smtp', office],
      ['SERVICE_NOT_ALLOWED', 'caldav', office],
      ['SUCCESS', 'imap', home],
    ]);
    expect(history.recentAddresses.map((a) => [a.address, a.attempts])).toEqual([
      [office, 2],
      [home, 1],
    ]);

    // At most 20, the newest; older than 90 days no longer among the addresses.
    await server.db.query(
      `INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, method, outcome, client_ip, attempts, service)
       SELECT now() - make_interval(days => 100 + n), $1, $2, $3, 'old', 'APP_PASSWORD', 'SUCCESS', '192.0.2.99', 1, 'imap'
         FROM generate_series(1, 30) AS n`,
      [who.org.tenant.id, who.user.id, mail.id],
    );
    const later = dataOf(await who.console.request(AppPasswordHistoryDocument, { id: mail.id })).viewer!.appPassword!;
    expect(later.recentSignIns).toHaveLength(20);
    expect(later.recentSignIns[0]!.service).toBe('smtp');
    expect(later.recentAddresses.map((a) => a.address)).toEqual([office, home]);

    // Someone else's app password is not found; the tenant's admin sees it through the inventory instead.
    const other = await owner();
    expect(dataOf(await other.console.request(AppPasswordHistoryDocument, { id: mail.id })).viewer!.appPassword).toBeNull();
  });

  it('costs one statement per list whatever its length', async () => {
    const who = await owner();
    for (let i = 0; i < 3; i++) await createAppPassword(server, who.user, { console: who.console, name: `Device ${i}` });
    // Inline: every app password's history in one list, which the console never asks for (it loads one history when opened).
    const query = /* GraphQL */ `
      {
        viewer {
          securityInfo {
            appPasswords {
              id
              recentSignIns {
                id
              }
              recentAddresses {
                address
              }
            }
          }
        }
      }
    `;
    const few = dataOf(await who.console.request(query));
    expect(few.viewer.securityInfo.appPasswords).toHaveLength(3);
    const statements: string[] = [];
    const logger = server.runtimeDb.logger as { logQuery: (q: string) => void };
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (q: string) => {
      statements.push(q);
      original(q);
    };
    try {
      dataOf(await who.console.request(query));
      const threeRows = statements.filter((q) => q.includes('sign_in_events')).length;
      for (let i = 3; i < 12; i++) await createAppPassword(server, who.user, { console: who.console, name: `Device ${i}` });
      statements.length = 0;
      dataOf(await who.console.request(query));
      expect(statements.filter((q) => q.includes('sign_in_events')).length).toBe(threeRows);
      expect(threeRows).toBe(2);
    } finally {
      logger.logQuery = original;
    }
  });
});

describe('what goes with a deleted app password', () => {
  it('takes the services and networks it was used for and from with it', async () => {
    const who = await owner();
    const gone = await createAppPassword(server, who.user, { console: who.console });
    const kept = await createAppPassword(server, who.user, { console: who.console, name: 'Kept' });
    for (const a of [gone, kept]) {
      expect((await checkBasic(server, basic(who.user.email, a.password), { ip: randomIp(), query: 'service=imap' })).status).toBe(204);
    }
    await server.app.services.appPasswordSignIn.drain();
    const uses = async (id: string) =>
      (
        await server.db.query(
          `SELECT (SELECT count(*)::int FROM app_password_service_uses WHERE app_password_id = $1)
              + (SELECT count(*)::int FROM app_password_networks WHERE app_password_id = $1) AS n`,
          [id],
        )
      )[0].n as number;
    expect(await uses(gone.id)).toBe(2);
    dataOf(await who.console.request(DeleteAppPasswordDocument, { id: gone.id }));
    expect(await uses(gone.id)).toBe(0);
    expect(await uses(kept.id)).toBe(2);
  });
});
