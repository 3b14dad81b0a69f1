import {
  AccountActivityDocument,
  AddServiceDocument,
  AdminAppPasswordsDocument,
  CreateAppPasswordDocument,
  LimitAppPasswordServicesDocument,
  LimitAppPasswordsToUsedServicesDocument,
  RemoveServiceDocument,
  RenameServiceDocument,
  SecurityInfoDocument,
  ServicesDocument,
  SetAppPasswordNetworksDocument,
  SignInActivityDocument,
  SignInEntriesDocument,
  UpdateTenantPolicyDocument,
} from '@app-passwords/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTenant, auditRows, dataOf, getWith, userWithAdmin, type UserWithAdmin } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, graphqlWithAuthorization, randomIp, type CheckOptions } from '../support/app-passwords.js';
import { createUser, signedInClient } from '../support/factories.js';
import { VIEWER_ID } from '../support/operations.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DEFAULT_KEYS = ['imap', 'smtp', 'pop3', 'caldav', 'carddav', 'webdav', 'graphql'];

/** Trusts 127.0.0.1 as a proxy: each check says which client it is for in X-Forwarded-For, as nginx would. */
let server: TestServer;
/** The same, with REQUIRE_SERVICE. */
let strict: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
  // Another instance of the same installation (the same lookup key), with the operator's REQUIRE_SERVICE.
  strict = await startTestServer({ trustedProxies: ['127.0.0.1'], requireService: true, lookupKey: server.lookupKey });
});
afterAll(async () => {
  await Promise.all([server?.close(), strict?.close()]);
});

type Owner = UserWithAdmin;
const owner = () => userWithAdmin(server);

/** One app password of `who` and a check for it from one client address (its own, unless given). */
async function appPassword(who: Owner, options: { services?: string[]; networks?: string[] } = {}) {
  const created = await createAppPassword(server, who.user, { console: who.console, ...options });
  const authorization = basic(who.user.email, created.password);
  const ip = randomIp();
  const check = (service: string | undefined, more: CheckOptions = {}, on: TestServer = server) =>
    checkBasic(on, authorization, { ip, query: service === undefined ? undefined : `service=${encodeURIComponent(service)}`, ...more });
  return { ...created, authorization, ip, check };
}

/** The sign-in log rows of one app password, oldest first (the buffer written out first). */
async function signInRows(appPasswordId: string): Promise<Array<{ outcome: string; service: string | null; attempts: number }>> {
  await Promise.all([server.app.services.signInLog.flush(), strict.app.services.signInLog.flush()]);
  return server.db.query('SELECT outcome, service, attempts FROM sign_in_events WHERE app_password_id = $1 ORDER BY id', [appPasswordId]);
}

function errorOf(result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) {
  return { code: result.errors?.[0]?.extensions?.code, field: result.errors?.[0]?.extensions?.field };
}

describe('services of an app password', () => {
  it('new tenants have the seven usual services, all allowed, and a new app password gets all of them', async () => {
    const who = await owner();
    const services = dataOf(await who.console.request(ServicesDocument)).services;
    expect(services.map((s) => s.key)).toEqual(DEFAULT_KEYS);
    expect(services.every((s) => s.allowed && s.nameEn.length > 0 && s.nameNl.length > 0)).toBe(true);

    const created = await appPassword(who);
    const info = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo;
    expect(info.services.map((s) => s.key)).toEqual(DEFAULT_KEYS);
    expect(info.appPasswords[0]).toMatchObject({ id: created.id, services: DEFAULT_KEYS, networks: [], usedServices: [] });
    // Every service: also a check that names none.
    expect((await created.check('caldav')).status).toBe(204);
    expect((await created.check(undefined)).status).toBe(204);
  });

  it('one for imap only signs in to imap; any other service, and a check that names none, get the same 401 as a wrong password', async () => {
    const who = await owner();
    const imap = await appPassword(who, { services: ['imap'] });
    const wrong = await checkBasic(server, basic(who.user.email, 'abcdabcdabcdabcdabcdabcdabcd'), {
      query: 'service=imap',
      ip: randomIp(),
    });

    expect((await imap.check('imap')).status).toBe(204);
    for (const refused of [await imap.check('caldav'), await imap.check(undefined), await imap.check('no-such-service')]) {
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe(wrong.headers.get('www-authenticate'));
      expect(refused.body).toBe(wrong.body);
    }
    // Remembered after the success (warm path): still imap only.
    expect((await imap.check('smtp')).status).toBe(401);
    expect((await imap.check('imap')).status).toBe(204);

    // Attempts per outcome and service (repeats within a flush second share a row, so rows are not counted).
    const attempts = new Map<string, number>();
    for (const r of await signInRows(imap.id))
      attempts.set(`${r.outcome} ${r.service}`, (attempts.get(`${r.outcome} ${r.service}`) ?? 0) + r.attempts);
    expect(Object.fromEntries(attempts)).toEqual({
      'SUCCESS imap': 2,
      'SERVICE_NOT_ALLOWED caldav': 1,
      'SERVICE_NOT_ALLOWED null': 1,
      'SERVICE_NOT_ALLOWED no-such-service': 1,
      'SERVICE_NOT_ALLOWED smtp': 1,
    });
  });

  it('a refused service counts as no guess: the right password for the wrong service never throttles the client', async () => {
    const who = await owner();
    const imap = await appPassword(who, { services: ['imap'] });
    for (let i = 0; i < 25; i++) expect((await imap.check('webdav', { headers: { 'x-case': String(i) } })).status).toBe(401);
    expect((await imap.check('imap')).status).toBe(204);
  });

  it('Basic on /graphql is the service graphql', async () => {
    const who = await owner();
    const mailOnly = await appPassword(who, { services: ['imap', 'smtp'] });
    const api = await appPassword(who, { services: ['graphql'] });
    const refused = await graphqlWithAuthorization(server, mailOnly.authorization, VIEWER_ID, undefined, { ip: mailOnly.ip });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const allowed = await graphqlWithAuthorization(server, api.authorization, VIEWER_ID, undefined, { ip: api.ip });
    expect(allowed.data?.viewer?.id).toBe(who.user.id);
    expect((await signInRows(mailOnly.id)).map((r) => [r.outcome, r.service])).toEqual([['SERVICE_NOT_ALLOWED', 'graphql']]);
  });

  it('with REQUIRE_SERVICE, a check must name its service, even for an app password that has them all', async () => {
    const who = await owner();
    const all = await appPassword(who);
    expect((await all.check(undefined, {}, strict)).status).toBe(401);
    expect((await all.check('imap', {}, strict)).status).toBe(204);
    expect((await signInRows(all.id)).map((r) => [r.outcome, r.service])).toEqual([
      ['SERVICE_NOT_ALLOWED', null],
      ['SUCCESS', 'imap'],
    ]);
  });

  it('odd or oversized service names are refused at /auth/basic without a lookup, and never logged as a service', async () => {
    const who = await owner();
    const all = await appPassword(who);
    for (const service of ['IMAP', 'imap ', 'im/ap', 'imap\u0000', '💌', 'x'.repeat(1024), '']) {
      expect((await all.check(service)).status, JSON.stringify(service.slice(0, 20))).toBe(401);
    }
    expect(await signInRows(all.id)).toEqual([]);
  });

  it('the owner can narrow the services, never widen them, from the next check on; both audited or nothing', async () => {
    const who = await owner();
    const mail = await appPassword(who, { services: ['imap', 'smtp', 'caldav'] });
    expect((await mail.check('caldav')).status).toBe(204);

    const narrowed = dataOf(
      await who.console.request(LimitAppPasswordServicesDocument, { input: { id: mail.id, services: ['smtp', 'IMAP'] } }),
    );
    expect(narrowed.limitAppPasswordServices.appPassword.services).toEqual(['imap', 'smtp']);
    expect((await mail.check('caldav')).status).toBe(401);
    expect((await mail.check('smtp')).status).toBe(204);

    const widened = await who.console.request(LimitAppPasswordServicesDocument, { input: { id: mail.id, services: ['imap', 'webdav'] } });
    expect(errorOf(widened)).toEqual({ code: 'BAD_USER_INPUT', field: 'services' });
    const none = await who.console.request(LimitAppPasswordServicesDocument, { input: { id: mail.id, services: [] } });
    expect(errorOf(none)).toEqual({ code: 'BAD_USER_INPUT', field: 'services' });

    const audit = await auditRows(server.db, who.org.tenant.id, 'app_password.services_limited');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ app_password_id: mail.id, details: { before: ['imap', 'smtp', 'caldav'], after: ['imap', 'smtp'] } });

    // Someone else's app password looks like one that does not exist.
    const other = await owner();
    const theirs = await other.console.request(LimitAppPasswordServicesDocument, { input: { id: mail.id, services: ['imap'] } });
    expect(errorOf(theirs).code).toBe('NOT_FOUND');
  });

  it('creating refuses unknown keys, keys the tenant does not allow and an empty list, naming the field, and saves nothing', async () => {
    const who = await owner();
    dataOf(await who.org.console.request(UpdateTenantPolicyDocument, { input: { allowedServices: ['imap', 'smtp'] } }));
    for (const services of [['imap', 'gopher'], ['caldav'], [], ['imap!'], ['x'.repeat(1000)]]) {
      const result = await who.console.request(CreateAppPasswordDocument, { input: { name: 'Phone', services } });
      expect(errorOf(result), JSON.stringify(services).slice(0, 40)).toEqual({ code: 'BAD_USER_INPUT', field: 'services' });
    }
    const [{ count }] = await server.db.query('SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1', [who.user.id]);
    expect(count).toBe(0);
    // Not given: every service the tenant allows.
    const created = await appPassword(who);
    const info = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo;
    expect(info.services.map((s) => s.key)).toEqual(['imap', 'smtp']);
    expect(info.appPasswords.find((a) => a.id === created.id)!.services).toEqual(['imap', 'smtp']);
  });
});

describe('the tenant and its services', () => {
  it('a service the policy stops allowing is refused for every app password at once, and works again when allowed again', async () => {
    const who = await owner();
    const all = await appPassword(who);
    expect((await all.check('caldav')).status).toBe(204);

    const without = DEFAULT_KEYS.filter((k) => k !== 'caldav');
    const policy = dataOf(await who.org.console.request(UpdateTenantPolicyDocument, { input: { allowedServices: without } }));
    expect(policy.updateTenantPolicy.policy.allowedServices).toEqual(without);
    expect((await all.check('caldav')).status).toBe(401);
    expect((await all.check('imap')).status).toBe(204);

    dataOf(await who.org.console.request(UpdateTenantPolicyDocument, { input: { allowedServices: DEFAULT_KEYS } }));
    expect((await all.check('caldav')).status).toBe(204);

    const unknown = await who.org.console.request(UpdateTenantPolicyDocument, { input: { allowedServices: ['imap', 'telnet'] } });
    expect(errorOf(unknown)).toEqual({ code: 'BAD_USER_INPUT', field: 'allowedServices' });
    const audit = await auditRows(server.db, who.org.tenant.id, 'tenant_policy.updated');
    expect(audit.map((a) => a.details.after.allowedServices)).toEqual([without, DEFAULT_KEYS]);
  });

  it('admins add, rename and remove services; a removed one leaves every app password that had it, audited', async () => {
    const who = await owner();
    const { console: admin, tenant } = who.org;
    const added = dataOf(await admin.request(AddServiceDocument, { input: { key: ' LDAP ', nameEn: 'Directory', nameNl: 'Adresboek' } }));
    expect(added.addService.service).toEqual({ key: 'ldap', nameEn: 'Directory', nameNl: 'Adresboek', allowed: true });
    const duplicate = await admin.request(AddServiceDocument, { input: { key: 'ldap', nameEn: 'Again', nameNl: 'Weer' } });
    expect(errorOf(duplicate)).toEqual({ code: 'BAD_USER_INPUT', field: 'key' });
    const badName = await admin.request(AddServiceDocument, { input: { key: 'nntp', nameEn: 'News\u0007', nameNl: 'Nieuws' } });
    expect(errorOf(badName)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.nameEn' });

    const renamed = dataOf(
      await admin.request(RenameServiceDocument, { input: { key: 'ldap', nameEn: 'Address book', nameNl: 'Adresboek' } }),
    );
    expect(renamed.renameService.service.nameEn).toBe('Address book');

    const both = await appPassword(who, { services: ['imap', 'ldap'] });
    const ldapOnly = await appPassword(who, { services: ['ldap'] });
    const mailOnly = await appPassword(who, { services: ['imap', 'smtp', 'ldap'] });
    dataOf(await who.console.request(LimitAppPasswordServicesDocument, { input: { id: mailOnly.id, services: ['imap', 'smtp'] } }));
    expect((await both.check('ldap')).status).toBe(204);

    const removed = dataOf(await admin.request(RemoveServiceDocument, { input: { key: 'ldap' } }));
    expect(removed.removeService).toEqual({ removedKey: 'ldap', appPasswordsChanged: 2 });
    // A removal that touches one app password says 1, and one that touches none 0.
    dataOf(await admin.request(AddServiceDocument, { input: { key: 'nntp', nameEn: 'News', nameNl: 'Nieuws' } }));
    await appPassword(who, { services: ['nntp'] });
    expect(dataOf(await admin.request(RemoveServiceDocument, { input: { key: 'nntp' } })).removeService.appPasswordsChanged).toBe(1);
    dataOf(await admin.request(AddServiceDocument, { input: { key: 'gopher', nameEn: 'Gopher', nameNl: 'Gopher' } }));
    expect(dataOf(await admin.request(RemoveServiceDocument, { input: { key: 'gopher' } })).removeService.appPasswordsChanged).toBe(0);
    expect((await both.check('ldap')).status).toBe(401);
    expect((await both.check('imap')).status).toBe(204);
    expect((await ldapOnly.check(undefined)).status).toBe(401);
    const listed = dataOf(await admin.request(ServicesDocument)).services.map((s) => s.key);
    expect(listed).toEqual(DEFAULT_KEYS);

    const actions = (await auditRows(server.db, tenant.id)).map((a) => a.action).filter((a) => a.startsWith('service.'));
    expect(actions).toEqual([
      'service.added',
      'service.renamed',
      'service.removed',
      'service.added',
      'service.removed',
      'service.added',
      'service.removed',
    ]);
    expect(errorOf(await admin.request(RemoveServiceDocument, { input: { key: 'ldap' } })).code).toBe('NOT_FOUND');
    // Users may read the list, never change it.
    expect(errorOf(await who.console.request(RemoveServiceDocument, { input: { key: 'imap' } })).code).toBe('FORBIDDEN');
  });

  it('the last service app passwords may be used for cannot be removed', async () => {
    const { console: admin } = await adminTenant(server);
    dataOf(await admin.request(UpdateTenantPolicyDocument, { input: { allowedServices: ['webdav'] } }));
    expect(errorOf(await admin.request(RemoveServiceDocument, { input: { key: 'webdav' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'key',
    });
  });
});

describe('networks of an app password', () => {
  it('one limited to networks signs in from inside them only (IPv4 and IPv6); outside gets the generic 401, logged', async () => {
    const who = await owner();
    const office = await appPassword(who, { networks: ['198.51.100.7/24', '2001:db8:1::/48'] });
    const info = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo;
    expect(info.appPasswords.find((a) => a.id === office.id)!.networks).toEqual(['198.51.100.0/24', '2001:db8:1::/48']);

    expect((await office.check('imap', { ip: '198.51.100.20' })).status).toBe(204);
    expect((await office.check('imap', { ip: '2001:db8:1:5::9' })).status).toBe(204);
    expect((await office.check('imap', { ip: '198.51.101.20' })).status).toBe(401);
    expect((await office.check('imap', { ip: '2001:db8:2::1' })).status).toBe(401);
    const rows = await signInRows(office.id);
    expect(rows.map((r) => r.outcome)).toEqual(['SUCCESS', 'SUCCESS', 'NETWORK_NOT_ALLOWED', 'NETWORK_NOT_ALLOWED']);
  });

  it('owners and admins change the networks, effective at once; bad ones are refused by number and nothing changes', async () => {
    const who = await owner();
    const anywhere = await appPassword(who);
    expect((await anywhere.check('imap', { ip: '203.0.113.9' })).status).toBe(204);

    const set = dataOf(await who.console.request(SetAppPasswordNetworksDocument, { input: { id: anywhere.id, networks: ['192.0.2.1'] } }));
    expect(set.setAppPasswordNetworks.appPassword.networks).toEqual(['192.0.2.1/32']);
    expect((await anywhere.check('imap', { ip: '203.0.113.9' })).status).toBe(401);
    expect((await anywhere.check('imap', { ip: '192.0.2.1' })).status).toBe(204);

    for (const networks of [
      ['192.0.2.0/33'],
      ['10.0.0.0/8', 'mail.example.com'],
      ['127.1'],
      ['::1/129'],
      Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`),
    ]) {
      const result = await who.console.request(SetAppPasswordNetworksDocument, { input: { id: anywhere.id, networks } });
      expect(errorOf(result), networks.join(',').slice(0, 40)).toEqual({ code: 'BAD_USER_INPUT', field: 'networks' });
    }
    // An admin of the tenant may change anyone's: back to anywhere.
    const cleared = dataOf(await who.org.console.request(SetAppPasswordNetworksDocument, { input: { id: anywhere.id, networks: [] } }));
    expect(cleared.setAppPasswordNetworks.appPassword.networks).toEqual([]);
    expect((await anywhere.check('imap', { ip: '203.0.113.9' })).status).toBe(204);

    const audit = await auditRows(server.db, who.org.tenant.id, 'app_password.networks_changed');
    expect(audit.map((a) => [a.actor_user_id, a.details.after])).toEqual([
      [who.user.id, ['192.0.2.1/32']],
      [who.org.admin.id, []],
    ]);
  });

  it('a tenant that requires networks refuses new app passwords without them', async () => {
    const who = await owner();
    dataOf(await who.org.console.request(UpdateTenantPolicyDocument, { input: { requireNetworks: true } }));
    const info = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo;
    expect(info.networksRequired).toBe(true);
    const refused = await who.console.request(CreateAppPasswordDocument, { input: { name: 'Laptop' } });
    expect(errorOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: 'networks' });
    const created = await appPassword(who, { networks: ['192.0.2.0/24'] });
    expect(created.id).toBeTruthy();
  });

  it('the first use from a network not used from in 90 days is audited once, with the /24', async () => {
    const who = await owner();
    const phone = await appPassword(who);
    expect((await phone.check('imap', { ip: '203.0.113.10' })).status).toBe(204);
    expect((await phone.check('smtp', { ip: '203.0.113.11' })).status).toBe(204);
    expect((await phone.check('imap', { ip: '198.51.100.4' })).status).toBe(204);
    await server.app.services.appPasswordSignIn.drain();
    const seen = await auditRows(server.db, who.org.tenant.id, 'app_password.used_from_new_network');
    expect(seen.map((a) => [a.app_password_id, a.actor_type, a.details.network])).toEqual([
      [phone.id, 'system', '203.0.113.0/24'],
      [phone.id, 'system', '198.51.100.0/24'],
    ]);
    // Its owner sees them, newest first; another user of the tenant does not.
    const mine = dataOf(await who.console.request(AccountActivityDocument, { actionKind: 'APP_PASSWORD_USED_FROM_NEW_NETWORK' }));
    expect(mine.viewer!.accountActivity.edges.map((e) => [e.node.appPasswordName, e.node.actorKind, e.node.detailsObject.network])).toEqual(
      [
        ['Mail app', 'SYSTEM', '198.51.100.0/24'],
        ['Mail app', 'SYSTEM', '203.0.113.0/24'],
      ],
    );
    const colleague = await signedInClient(server, await createUser(server.db, who.org.tenant));
    expect(dataOf(await colleague.request(AccountActivityDocument, {})).viewer!.accountActivity.edges).toEqual([]);
    // Over Basic, the app sees its own app password's events only, not those of its owner's other app passwords.
    const laptop = await appPassword(who);
    const overBasic = await graphqlWithAuthorization(server, phone.authorization, AccountActivityDocument, {}, { ip: '203.0.113.10' });
    const ids = overBasic.data?.viewer?.accountActivity.edges.map((e: any) => e.node.appPasswordId) ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([phone.id]));
    const inConsole = dataOf(await who.console.request(AccountActivityDocument, {})).viewer!.accountActivity.edges;
    expect(inConsole.map((e) => e.node.appPasswordId)).toContain(laptop.id);

    // Not used from that network for over 90 days: new again.
    await server.db.query(`UPDATE app_password_networks SET last_used_at = now() - interval '91 days' WHERE app_password_id = $1`, [
      phone.id,
    ]);
    const again = await checkBasic(server, phone.authorization, { ip: '203.0.113.12', query: 'service=imap', userAgent: 'later' });
    expect(again.status).toBe(204);
    await server.app.services.appPasswordSignIn.drain();
    expect(await auditRows(server.db, who.org.tenant.id, 'app_password.used_from_new_network')).toHaveLength(3);
  });
});

describe('what app passwords are used for', () => {
  it('each shows the services it was used for in 30 days, and suggests limiting to them once it is 30 days old', async () => {
    const who = await owner();
    const mail = await appPassword(who);
    expect((await mail.check('imap')).status).toBe(204);
    expect((await mail.check('smtp')).status).toBe(204);
    await server.app.services.appPasswordSignIn.drain();

    const fresh = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords[0]!;
    expect(fresh.usedServices).toEqual(['imap', 'smtp']);
    expect(fresh.suggestedServices).toBeNull(); // too young to tell

    await server.db.query(`UPDATE app_passwords SET created_at = now() - interval '40 days' WHERE id = $1`, [mail.id]);
    const old = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords[0]!;
    expect(old.suggestedServices).toEqual(['imap', 'smtp']);

    // Uses older than 30 days no longer count.
    await server.db.query(
      `UPDATE app_password_service_uses SET last_used_at = now() - interval '31 days' WHERE service = 'smtp' AND app_password_id = $1`,
      [mail.id],
    );
    const later = dataOf(await who.console.request(SecurityInfoDocument)).viewer!.securityInfo.appPasswords[0]!;
    expect(later.usedServices).toEqual(['imap']);
    expect(later.suggestedServices).toEqual(['imap']);
  });

  it('admins filter the inventory on service and on "allows more than it uses", and narrow in bulk after a dry run', async () => {
    const who = await owner();
    const wide = await appPassword(who);
    const narrow = await appPassword(who, { services: ['imap'] });
    const unused = await appPassword(who, { services: ['caldav', 'carddav'] });
    for (const a of [wide, narrow]) expect((await a.check('imap')).status).toBe(204);
    await server.app.services.appPasswordSignIn.drain();
    await server.db.query(`UPDATE app_passwords SET created_at = now() - interval '40 days' WHERE user_id = $1`, [who.user.id]);
    const admin = who.org.console;

    const ids = async (filter: Record<string, unknown>) =>
      dataOf(await admin.request(AdminAppPasswordsDocument, { filter }))
        .appPasswords.edges.map((e) => e.node.id)
        .sort();
    expect(await ids({ service: 'caldav' })).toEqual([wide.id, unused.id].sort());
    expect(await ids({ allowsMoreThanUsed: true })).toEqual([wide.id]);
    expect(errorOf(await admin.request(AdminAppPasswordsDocument, { filter: { service: 'Not A Key!' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.service',
    });

    const dry = dataOf(await admin.request(LimitAppPasswordsToUsedServicesDocument, { input: { filter: {}, dryRun: true } }));
    expect(dry.limitAppPasswordsToUsedServices).toEqual({ count: 1, dryRun: true });
    expect(await ids({ allowsMoreThanUsed: true })).toEqual([wide.id]);

    const done = dataOf(await admin.request(LimitAppPasswordsToUsedServicesDocument, { input: { filter: {} } }));
    expect(done.limitAppPasswordsToUsedServices).toEqual({ count: 1, dryRun: false });
    const nodes = dataOf(await admin.request(AdminAppPasswordsDocument, { filter: {} })).appPasswords.edges.map((e) => e.node);
    expect(nodes.find((n) => n.id === wide.id)!.services).toEqual(['imap']);
    expect(nodes.find((n) => n.id === unused.id)!.services).toEqual(['caldav', 'carddav']);
    expect((await wide.check('caldav')).status).toBe(401);
    const audit = await auditRows(server.db, who.org.tenant.id, 'app_password.services_limited');
    expect(audit.map((a) => [a.app_password_id, a.actor_user_id, a.details.after])).toEqual([[wide.id, who.org.admin.id, ['imap']]]);

    const foreign = await adminTenant(server);
    const notHers = await foreign.console.request(LimitAppPasswordsToUsedServicesDocument, { input: { ids: [wide.id] } });
    expect(errorOf(notHers).code).toBe('NOT_FOUND');
  });

  it('the sign-in log and its CSV carry the service, and filter on it', async () => {
    const who = await owner();
    const mail = await appPassword(who);
    expect((await mail.check('imap')).status).toBe(204);
    expect((await mail.check('carddav')).status).toBe(204);
    await server.app.services.signInLog.flush();
    const entries = dataOf(await who.org.console.request(SignInEntriesDocument, { filter: { service: 'carddav' } })).signInEntries.edges;
    expect(entries.map((e) => e.node.service)).toEqual(['carddav']);
    const days = async (service?: string) =>
      dataOf(await who.org.console.request(SignInActivityDocument, { days: 1, timeZone: 'UTC', service })).signInActivity;
    expect(await days()).toEqual([expect.objectContaining({ succeeded: 2, failed: 0 })]);
    expect(await days('carddav')).toEqual([expect.objectContaining({ succeeded: 1 })]);
    expect(await days('webdav')).toEqual([expect.objectContaining({ succeeded: 0 })]);

    const csv = await (await getWith(server, '/export/sign-ins.csv?service=imap', { cookie: who.org.console.cookie })).text();
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    const last = (line: string) => line.split(',').at(-1)!.replaceAll('"', '');
    expect(last(header!)).toBe('service');
    expect(lines.map(last)).toEqual(['imap']);
  });
});
