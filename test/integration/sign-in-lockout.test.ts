import { describe, expect, it } from 'vitest';
import { auditRows, documentationIp } from '../support/admin.js';
import {
  basic,
  checkBasic,
  createAppPassword,
  mapLimit,
  outcomesOf,
  randomIp,
  randomSecret,
  signInEventsByIp,
  throttleRow,
  type CheckResponse,
} from '../support/app-passwords.js';
import { createTenant, createUser, signedInClient, type TestUser } from '../support/factories.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { testServerForFile } from '../support/test-server.js';
import { SignInDocument } from '@app-passwords/schema';

/**
 * Throttling that an attacker cannot turn against users: correct sign-ins
 * never count as failures however many arrive at once, no block lasts for
 * good, a device that signed in before keeps working through an attack on
 * its user, and one network cannot pose as many by spelling its address
 * differently. Checks run cold (no warm cache) so each one meets the throttle.
 */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'], appPasswordCacheTtlSeconds: 0 });

const keysOf = (email: string, address: string) => {
  const name = email.toLowerCase();
  return { device: `name+ip:${name}|${address}`, address: `ip:${address}`, user: `name:${name}` };
};

async function expectCountersClear(email: string, address: string) {
  // Successes give their places back just after their answer.
  await server.app.services.signInThrottle.settled();
  for (const key of Object.values(keysOf(email, address))) {
    expect({ key, row: await throttleRow(server.db, key) }).toEqual({
      key,
      row: expect.objectContaining({ failures: 0, in_flight: 0, blocks: 0 }),
    });
  }
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function userWithAppPasswords(count: number): Promise<{ user: TestUser; passwords: string[] }> {
  const tenant = await createTenant(server.db);
  const user = await createUser(server.db, tenant);
  const first = await createAppPassword(server, user);
  const passwords = [first.password];
  for (let i = 1; i < count; i++) passwords.push((await createAppPassword(server, user, { console: first.console })).password);
  return { user, passwords };
}

describe('correct sign-ins never count as failures', () => {
  it('lets 50 parallel correct cold checks from one address through, and leaves every counter at 0', async () => {
    // Twelve devices behind one address, each opening several connections at once on first start.
    const { user, passwords } = await userWithAppPasswords(12);
    const ip = randomIp();
    const checks = Array.from({ length: 50 }, (_, i) => basic(user.email, passwords[i % passwords.length]!));

    const responses = await Promise.all(checks.map((authorization) => checkBasic(server, authorization, { ip })));

    expect({ statuses: responses.map((r) => r.status), problems: server.problems() }).toEqual({
      statuses: Array<number>(50).fill(204),
      problems: [],
    });
    await expectCountersClear(user.email, ip);
    expect(outcomesOf(await signInEventsByIp(server, ip))).toEqual(Array<string>(50).fill('SUCCESS'));
  });

  it('shares one argon2 verification between identical checks that arrive together', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const ip = randomIp();
    const stats = server.app.services.appPasswordSignIn.stats;
    const before = { verified: stats.argon2Verifications, shared: stats.sharedColdChecks };
    const authorization = basic(user.email, passwords[0]!);

    const responses = await Promise.all(Array.from({ length: 8 }, () => checkBasic(server, authorization, { ip })));

    expect(responses.map((r) => r.status)).toEqual(Array<number>(8).fill(204));
    expect(stats.argon2Verifications - before.verified + (stats.sharedColdChecks - before.shared)).toBe(8);
    expect(stats.sharedColdChecks - before.shared).toBeGreaterThan(0);
    await expectCountersClear(user.email, ip);
  });

  it("answers busy when argon2 is saturated, logs BUSY, and leaves the victim's counters untouched", async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const victimIp = randomIp();
    const victim = basic(user.email, passwords[0]!);
    // 300 wrong guesses for unknown names from fresh addresses fill every argon2 slot and the queue many times over;
    // the victim's checks go out among them.
    const flood = Array.from({ length: 300 }, (_, i) =>
      i % 30 === 15
        ? () => checkBasic(server, victim, { ip: victimIp })
        : () => checkBasic(server, basic(`flood-${randomSecret()}@example.test`, randomSecret()), { ip: randomIp() }),
    );
    const responses = await Promise.all(flood.map((send) => send()));

    const victims: CheckResponse[] = responses.filter((_, i) => i % 30 === 15);
    // Busy is a 401 with Retry-After: 1 for the proxy; a success is a 204. Never anything else.
    expect(victims.every((r) => r.status === 204 || (r.status === 401 && r.headers.get('retry-after') === '1'))).toBe(true);
    const outcomes = outcomesOf(await signInEventsByIp(server, victimIp));
    expect(outcomes).toContain('BUSY');
    expect(outcomes.every((o) => o === 'BUSY' || o === 'SUCCESS')).toBe(true);
    await expectCountersClear(user.email, victimIp);
    // Once the flood is over, the victim signs in at once.
    expect((await checkBasic(server, victim, { ip: victimIp })).status).toBe(204);
  }, 60_000);
});

describe('a user under attack', () => {
  it('200 wrong guesses from 20 addresses block unknown addresses for a while, never for good; a printer that signed in before keeps working', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const printer = basic(user.email, passwords[0]!);
    const printerIp = randomIp();
    expect((await checkBasic(server, printer, { ip: printerIp })).status).toBe(204);
    const tenantId = (await server.db.query('SELECT tenant_id FROM users WHERE id = $1', [user.id]))[0].tenant_id;
    const blocksBefore = await metric('app_passwords_sign_in_blocks_total', 'kind="app_password",counter="user"');

    const attackers = Array.from({ length: 20 }, () => randomIp());
    const guesses = attackers.flatMap((ip) => Array.from({ length: 10 }, () => ip));
    await mapLimit(guesses, 8, (ip) => checkBasic(server, basic(user.email, randomSecret()), { ip }));

    // The user's name is blocked for unknown devices: a new one, even with the right password, waits…
    const unknown = await checkBasic(server, printer, { ip: randomIp() });
    expect(unknown.status).toBe(401);
    const retryAfter = Number(unknown.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    // …for a while (an hour the first time, at most a day), not until somebody acts.
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const row = await throttleRow(server.db, keysOf(user.email, '').user);
    expect(row).toMatchObject({ blocked_forever: false, blocks: 1 });
    // The printer, which signed in from its own address before, is not stopped, again and again.
    for (let i = 0; i < 3; i++) expect((await checkBasic(server, printer, { ip: printerIp })).status).toBe(204);

    // Admins see the attack: one audit event about the user, by the server, and a metric.
    const events = await auditRows(server.db, tenantId, 'user.sign_in_blocked');
    expect(events).toEqual([
      expect.objectContaining({
        target_user_id: user.id,
        actor_type: 'system',
        details: { method: 'APP_PASSWORD', blockedForSeconds: 3600 },
      }),
    ]);
    expect(await metric('app_passwords_sign_in_blocks_total', 'kind="app_password",counter="user"')).toBe(blocksBefore + 1);
  }, 60_000);

  it('a known device still answers to its own counter: 10 wrong guesses from it block it', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const ip = randomIp();
    expect((await checkBasic(server, basic(user.email, passwords[0]!), { ip })).status).toBe(204);
    for (let i = 0; i < 10; i++) expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(401);
    const blocked = await checkBasic(server, basic(user.email, passwords[0]!), { ip });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('doubles the per-user block up to a day', async () => {
    const { user } = await userWithAppPasswords(1);
    const key = keysOf(user.email, '').user;
    // The first failure makes the user's counter; then each round sets it to 99 failures in a row (the counting
    // itself is proved above) and the 100th blocks.
    await checkBasic(server, basic(user.email, randomSecret()), { ip: randomIp() });
    const blockedFor: number[] = [];
    for (let round = 0; round < 7; round++) {
      await server.db.query(`UPDATE sign_in_throttles SET failures = 99 WHERE key = $1`, [key]);
      expect((await checkBasic(server, basic(user.email, randomSecret()), { ip: randomIp() })).status).toBe(401);
      blockedFor.push(Math.round((await throttleRow(server.db, key))!.blocked_for_seconds! / 60));
      await server.db.query(`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    }
    expect(blockedFor).toEqual([60, 120, 240, 480, 960, 1440, 1440]);
  });
});

describe('one address spraying many names', () => {
  it('blocks the address after 100 failures in 15 minutes, for every name, while other addresses go on', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const sprayer = randomIp();
    const names = Array.from({ length: 100 }, () => `spray-${randomSecret()}@example.test`);
    const sprayed = await mapLimit(names, 8, (name) => checkBasic(server, basic(name, randomSecret()), { ip: sprayer }));
    expect(sprayed.every((r) => r.status === 401 && r.headers.get('retry-after') === null)).toBe(true);

    const blocked = await checkBasic(server, basic(user.email, passwords[0]!), { ip: sprayer });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect((await throttleRow(server.db, `ip:${sprayer}`))!.blocked_for_seconds).toBeLessThanOrEqual(15 * 60);
    expect((await checkBasic(server, basic(user.email, passwords[0]!), { ip: randomIp() })).status).toBe(204);
  });
});

describe('client addresses', () => {
  it('counts every spelling of an IPv6 address, and every address of its /64, as one; logs each canonically', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const spellings = [
      '2001:db8:abcd:12::1',
      '2001:DB8:ABCD:12::1',
      '2001:0db8:abcd:0012:0000:0000:0000:0001',
      '2001:db8:abcd:12:0:0:0:1',
      '2001:db8:abcd:12::2',
      '2001:db8:abcd:12:ffff:ffff:ffff:ffff',
      '2001:db8:abcd:12::a:b',
      '2001:0DB8:ABCD:0012::0001',
      '2001:db8:abcd:12:1::',
      '2001:db8:abcd:12::1234',
    ];
    for (const ip of spellings) expect((await checkBasic(server, basic(user.email, randomSecret()), { ip })).status).toBe(401);

    const blocked = await checkBasic(server, basic(user.email, passwords[0]!), { ip: '2001:db8:abcd:12:9::9' });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttleRow(server.db, keysOf(user.email, '2001:db8:abcd:12::/64').device)).toMatchObject({ blocks: 1 });
    // The next /64 is another network.
    expect((await checkBasic(server, basic(user.email, passwords[0]!), { ip: '2001:db8:abcd:13::1' })).status).toBe(204);

    const logged = await signInEventsByIp(server, '2001:db8:abcd:12::1');
    // One spelling in the log (repeats may span two rows: the log is written once a second).
    expect(new Set(logged.map((r) => r.client_ip))).toEqual(new Set(['2001:db8:abcd:12::1']));
    expect(outcomesOf(logged)).toEqual(Array<string>(5).fill('WRONG_PASSWORD'));
  });

  it('takes the peer address when a trusted proxy forwards something that is not an address', async () => {
    const { user, passwords } = await userWithAppPasswords(1);
    const agent = `junk-forwarded-for-${randomSecret()}`;
    for (const junk of ['unknown', 'not-an-ip', '999.1.1.1', '_hidden']) {
      const response = await checkBasic(server, basic(user.email, passwords[0]!), { ip: junk, userAgent: agent });
      expect(response.status).toBe(204);
    }
    await server.app.services.signInLog.flush();
    const rows: Array<{ ip: string | null }> = await server.db.query(
      'SELECT host(client_ip) AS ip FROM sign_in_events WHERE user_agent = $1',
      [agent],
    );
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set(['127.0.0.1']));
    expect(await throttleRow(server.db, 'ip:unknown')).toBeUndefined();
  });
});

describe('console sign-ins under attack', () => {
  it('100 wrong passwords from unknown addresses block the name for an hour, while the device the user signs in from keeps working', async () => {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const home = documentationIp();
    await signedInClient(server, user, { ip: home });

    await mapLimit(
      Array.from({ length: 100 }, () => randomIp()),
      8,
      async (ip) => {
        const client = new GraphQLClient(server.url);
        client.headers['x-forwarded-for'] = ip;
        return (await client.request(SignInDocument, { input: { email: user.email, password: `wrong-${randomSecret()}` } })).status;
      },
    );
    const row = await throttleRow(server.db, `console:name:${user.email.toLowerCase()}`);
    expect(row!.blocked_for_seconds).toBeGreaterThan(59 * 60);
    expect(row!.blocked_for_seconds).toBeLessThanOrEqual(60 * 60);
    await expect(signedInClient(server, user, { ip: randomIp() })).rejects.toThrow(/RATE_LIMITED/);
    await signedInClient(server, user, { ip: home });
  }, 60_000);
});
