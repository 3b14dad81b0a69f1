import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { AppPasswordConfirmations } from '../../server/src/modules/app-passwords/app-password-confirmations.js';
import { Role } from '../../server/src/modules/users/user.entity.js';
import {
  basic,
  checkBasic,
  createAppPassword,
  mapLimit,
  outcomesOf,
  ownerOfAppPassword,
  randomIp,
  randomSecret,
  rawCheck,
  signInEventsByAgent,
  WWW_AUTHENTICATE,
  type CheckOptions,
  type CheckResponse,
  type SignInEventRow,
} from '../support/app-passwords.js';
import { createTenant, createUser, type TestUser } from '../support/factories.js';
import { startTestServer, testServerForFile } from '../support/test-server.js';
import { DeleteAppPasswordDocument, SecurityInfoDocument } from '@app-passwords/schema';

/** Trusts 127.0.0.1 as a proxy, so each test's failures count against its own X-Forwarded-For address, not the shared 127.0.0.1. */
const server = testServerForFile({ trustedProxies: ['127.0.0.1'] });

/** A tenant, a user and one real app password, created through the console. */
async function userWithAppPassword(options: { role?: Role } = {}) {
  // This test's own client address: its failures never count against another test's.
  const ip = randomIp();
  const check = (authorization: string | undefined, options: CheckOptions = {}) => checkBasic(server, authorization, { ip, ...options });
  return { ...(await ownerOfAppPassword(server, options)), ip, check };
}

/** How people are shown it: groups of four. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function expectAccepted(response: CheckResponse, user: TestUser, appPasswordId: string) {
  expect(response.status).toBe(204);
  expect(response.body).toBe('');
  expect(response.headers.get('x-auth-user')).toBe(user.email);
  expect(response.headers.get('x-auth-user-id')).toBe(user.id);
  expect(response.headers.get('x-auth-tenant-id')).toBe(user.tenantId);
  expect(response.headers.get('x-auth-app-password-id')).toBe(appPasswordId);
  expect(response.headers.get('www-authenticate')).toBeNull();
  expect(response.headers.get('set-cookie')).toBeNull();
}

/** The one refusal: nothing in it tells one failure from another. */
function expectRefused(response: CheckResponse) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE);
  expect(response.headers.get('retry-after')).toBeNull();
  expect(response.body).toBe('');
  for (const name of ['x-auth-user', 'x-auth-user-id', 'x-auth-tenant-id', 'x-auth-app-password-id', 'set-cookie']) {
    expect(response.headers.get(name)).toBeNull();
  }
}

function expectNoSecret(rows: SignInEventRow[], secret: string) {
  for (const row of rows) {
    expect(row.json).not.toContain(secret);
    expect(row.json.toLowerCase()).not.toContain(grouped(secret));
  }
}

describe('a correct app password', () => {
  it('answers 204 with the user, tenant and app password in X-Auth-* headers and no body', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    expectAccepted(await check(authorization), user, appPassword.id);
  });

  it.each([
    ['grouped in fours with spaces', grouped],
    ['in upper case', (s: string) => s.toUpperCase()],
    ['grouped and in mixed case', (s: string) => grouped(s).replace(/[aeiou]/g, (c) => c.toUpperCase())],
  ])('is accepted %s, as apps may send it', async (_, spell) => {
    const { user, appPassword, check } = await userWithAppPassword();
    expectAccepted(await check(basic(user.email, spell(appPassword.password))), user, appPassword.id);
  });

  it('is accepted with the sign-in name in another letter case and the scheme in lower case', async () => {
    const { user, appPassword, check } = await userWithAppPassword();
    const lower = basic(user.email.toUpperCase(), appPassword.password).replace(/^Basic/, 'basic');
    expectAccepted(await check(lower), user, appPassword.id);
  });

  it.each(['GET', 'POST', 'HEAD', 'PUT'])('answers the same to %s', async (method) => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    expectAccepted(await check(authorization, { method }), user, appPassword.id);
  });

  it('ignores the headers nginx and Traefik add to the question', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    const proxyHeaders = {
      'x-original-uri': '/remote.php/dav/calendars/?x=1',
      'x-original-method': 'PROPFIND',
      'x-forwarded-method': 'PROPFIND',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'cloud.example.org',
      'x-forwarded-uri': '/remote.php/dav/',
    };
    expectAccepted(await check(authorization, { headers: proxyHeaders }), user, appPassword.id);
    expectRefused(await check(basic(user.email, randomSecret()), { headers: proxyHeaders, ip: randomIp() }));
  });
});

describe('many checks at once', () => {
  it('answers each of many simultaneous checks of two remembered app passwords with its own user', async () => {
    const a = await userWithAppPassword();
    const b = await userWithAppPassword();
    // Remembered first, so the checks below share confirmations in PostgreSQL (each app password asked for once per batch).
    expectAccepted(await a.check(a.authorization), a.user, a.appPassword.id);
    expectAccepted(await b.check(b.authorization), b.user, b.appPassword.id);
    const before = { ...server.app.services.appPasswordSignIn.stats };

    const who = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? b : a));
    const responses = await Promise.all(who.map((w) => w.check(w.authorization)));
    responses.forEach((response, i) => expectAccepted(response, who[i]!.user, who[i]!.appPassword.id));
    expect(server.app.services.appPasswordSignIn.stats.cacheHits - before.cacheHits).toBe(60);
  });

  it('gives each check in one shared confirmation the answer for its own app password', async () => {
    const a = await userWithAppPassword();
    const b = await userWithAppPassword();
    const confirmations = new AppPasswordConfirmations(server.runtimeDb);
    // Asked in the same moment: one statement answers all of them, each app password asked for once.
    const ids = [a.appPassword.id, b.appPassword.id, a.appPassword.id, randomUUID(), b.appPassword.id];
    const answers = await Promise.all(ids.map((id) => confirmations.confirm(id)));
    expect(answers.map((c) => c?.user_id)).toEqual([a.user.id, b.user.id, a.user.id, undefined, b.user.id]);
    await confirmations.settled();
  });
});

describe('every failure gets the same 401', () => {
  /** Each builds an Authorization header (or none) for a user who has a working app password. */
  const cases: Array<[string, (user: TestUser, secret: string, other: { user: TestUser; secret: string }) => string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['an empty Authorization header', () => ''],
    ['another scheme (Bearer)', (_, secret) => `Bearer ${secret}`],
    ['the scheme alone', () => 'Basic'],
    ['the scheme and a space', () => 'Basic '],
    ['malformed base64', () => 'Basic %%%not-base64%%%'],
    ['base64 with bad padding', (user, secret) => basic(user.email, secret).replace(/=*$/, '===')],
    ['no colon', (user, secret) => `Basic ${Buffer.from(`${user.email}${secret}`).toString('base64')}`],
    ['an empty name', (_, secret) => basic('', secret)],
    ['a name of spaces', (_, secret) => basic('   ', secret)],
    ['an empty password', (user) => basic(user.email, '')],
    ['a wrong password', (user) => basic(user.email, randomSecret())],
    ['a wrong password that is too short', (user) => basic(user.email, 'abcd')],
    ['the primary password', (user) => basic(user.email, user.password)],
    ['an unknown user', (_, secret) => basic(`nobody-${randomUUID()}@example.test`, secret)],
    ["another user's app password with this user's name", (user, _, other) => basic(user.email, other.secret)],
    ["this user's app password with another user's name", (_, secret, other) => basic(other.user.email, secret)],
    [
      'a colon in the password (split at the first colon)',
      (user, secret) => basic(user.email, `${secret.slice(0, 10)}:${secret.slice(10)}`),
    ],
    ['the secret after a colon in the name', (user, secret) => basic(`${user.email}:x`, secret)],
    ['a control character in the password', (user, secret) => basic(user.email, `${secret}\u0000`)],
    ['a line break in the name', (user, secret) => basic(`${user.email}\r\nX-Auth-User: admin`, secret)],
    ['an escape character in the name', (user, secret) => basic(`\u001b[31m${user.email}`, secret)],
    [
      'bytes that are not UTF-8',
      (user) =>
        `Basic ${Buffer.concat([Buffer.from(`${user.email}:`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xa0])]).toString('base64')}`,
    ],
    ['only bytes that are not UTF-8', () => `Basic ${Buffer.from([0xff, 0xfe, 0xfd, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['two credentials', (user, secret) => `${basic(user.email, secret)} ${basic(user.email, secret)}`],
    ['credentials after a comma', (user, secret) => `Bearer x, ${basic(user.email, secret)}`],
    ['lower-case scheme with a wrong password', (user) => basic(user.email, randomSecret()).replace(/^Basic/, 'basic')],
    ['a header longer than 4 KB', (user, secret) => basic(user.email, `${secret}${' '.repeat(4096)}`)],
  ];

  it.each(cases)('%s', async (_, header) => {
    const { user, appPassword, check } = await userWithAppPassword();
    const other = await userWithAppPassword();
    const authorization = header(user, appPassword.password, { user: other.user, secret: other.appPassword.password });
    expectRefused(await check(authorization, { ip: randomIp() }));
    // The real credentials still work: nothing above locked the user out.
    expect((await check(basic(user.email, appPassword.password))).status).toBe(204);
  });

  it('refuses an expired app password, whether the server remembered it or not, and logs EXPIRED', async () => {
    const { appPassword, authorization, check } = await userWithAppPassword();
    const userAgent = `expired/${randomUUID()}`;
    expect((await check(authorization, { userAgent })).status).toBe(204);
    await server.db.query(`UPDATE app_passwords SET expires_at = now() - interval '1 second' WHERE id = $1`, [appPassword.id]);

    expectRefused(await check(authorization, { userAgent }));
    expectRefused(await check(authorization, { userAgent }));
    const rows = await signInEventsByAgent(server, userAgent);
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'EXPIRED', 'EXPIRED']);
    expect(rows.every((r) => r.app_password_id === appPassword.id)).toBe(true);
    expectNoSecret(rows, appPassword.password);
  });

  it('refuses a deleted app password at the very next request, although the server had it cached', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    const userAgent = `deleted/${randomUUID()}`;
    expect((await check(authorization, { userAgent })).status).toBe(204);
    const before = { ...server.app.services.appPasswordSignIn.stats };
    expect((await check(authorization, { userAgent })).status).toBe(204);
    expect(server.app.services.appPasswordSignIn.stats.cacheHits).toBe(before.cacheHits + 1);

    const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });

    expectRefused(await check(authorization, { userAgent }));
    expectRefused(await check(authorization, { userAgent }));
    const rows = await signInEventsByAgent(server, userAgent);
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'SUCCESS', expect.stringMatching(/^(REVOKED|WRONG_PASSWORD)$/), 'WRONG_PASSWORD']);
    expect(rows.every((r) => r.user_id === null || r.user_id === user.id)).toBe(true);
    expectNoSecret(rows, appPassword.password);
  });

  it('refuses every app password of a disabled user and logs USER_DISABLED', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    const userAgent = `disabled/${randomUUID()}`;
    expect((await check(authorization, { userAgent })).status).toBe(204);
    await server.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.id]);

    expectRefused(await check(authorization, { userAgent }));
    expectRefused(await check(authorization, { userAgent }));
    const rows = await signInEventsByAgent(server, userAgent);
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'USER_DISABLED', 'USER_DISABLED']);
    expect(rows.every((r) => r.app_password_id === appPassword.id)).toBe(true);
  });

  it('refuses while the tenant has app passwords switched off, and accepts the same ones again when switched back on', async () => {
    const { tenant, user, appPassword, authorization, check } = await userWithAppPassword();
    const userAgent = `policy/${randomUUID()}`;
    expect((await check(authorization, { userAgent })).status).toBe(204);

    await server.db.query('UPDATE tenant_policies SET app_passwords_enabled = false WHERE tenant_id = $1', [tenant.id]);
    expectRefused(await check(authorization, { userAgent }));
    expectRefused(await check(authorization, { userAgent }));

    // Switching the policy off deletes nothing: the same app passwords work again once it is back on.
    await server.db.query('UPDATE tenant_policies SET app_passwords_enabled = true WHERE tenant_id = $1', [tenant.id]);
    expectAccepted(await check(authorization, { userAgent }), user, appPassword.id);

    const rows = await signInEventsByAgent(server, userAgent);
    // In the order they happened: the success after the refusals is a row of its own.
    expect(outcomesOf(rows)).toEqual(['SUCCESS', 'POLICY_OFF', 'POLICY_OFF', 'SUCCESS']);
    expect(rows.every((r) => r.app_password_id === appPassword.id)).toBe(true);
  });
});

describe('?tenant= binds the check to one tenant', () => {
  it('accepts its own tenant and refuses another tenant or a malformed id, cold and warm', async () => {
    const { tenant, user, appPassword, authorization, check } = await userWithAppPassword();
    const otherTenant = await createTenant(server.db);

    // Cold: the first check asks for the wrong tenant.
    expectRefused(await check(authorization, { query: `tenant=${otherTenant.id}` }));
    expectAccepted(await check(authorization, { query: `tenant=${tenant.id}` }), user, appPassword.id);
    // Warm: the server now remembers the password, and still refuses the other tenant.
    expectRefused(await check(authorization, { query: `tenant=${otherTenant.id}` }));
    for (const garbage of ['garbage', '', `${tenant.id}x`, `'; DROP TABLE users; --`, `${tenant.id}&tenant=${otherTenant.id}`]) {
      expectRefused(await check(authorization, { query: `tenant=${encodeURIComponent(garbage)}` }));
    }
    expectAccepted(await check(authorization), user, appPassword.id);
  });

  it('accepts its own tenant id in upper case on a first (cold) check', async () => {
    const { tenant, user, appPassword, authorization, check } = await userWithAppPassword();
    expectAccepted(await check(authorization, { query: `tenant=${tenant.id.toUpperCase()}` }), user, appPassword.id);
  });

  it('accepts its own tenant id in upper case, also once the server remembers the password', async () => {
    const { tenant, user, appPassword, authorization, check } = await userWithAppPassword();
    const query = `tenant=${tenant.id.toUpperCase()}`;
    expectAccepted(await check(authorization, { query }), user, appPassword.id);
    expectAccepted(await check(authorization, { query }), user, appPassword.id);
  });
});

describe('the sign-in log', () => {
  it('records each check with its outcome, client IP, user agent and app password, and never the secret', async () => {
    const { tenant, user, appPassword, authorization, check } = await userWithAppPassword();
    const userAgent = `Thunderbird/128.0 (log ${randomUUID()})`;
    const ip = randomIp();
    const unknown = `nobody-${randomUUID()}@example.test`;

    expect((await check(authorization, { ip, userAgent })).status).toBe(204);
    expectRefused(await check(basic(user.email, randomSecret()), { ip, userAgent }));
    expectRefused(await check(basic(unknown, appPassword.password), { ip, userAgent }));

    const rows = await signInEventsByAgent(server, userAgent);
    expect(rows.map(({ json: _, ...row }) => row)).toEqual([
      {
        outcome: 'SUCCESS',
        sign_in_name: user.email,
        tenant_id: tenant.id,
        user_id: user.id,
        app_password_id: appPassword.id,
        client_ip: ip,
        user_agent: userAgent,
        attempts: 1,
      },
      {
        outcome: 'WRONG_PASSWORD',
        sign_in_name: user.email,
        tenant_id: tenant.id,
        user_id: user.id,
        app_password_id: null,
        client_ip: ip,
        user_agent: userAgent,
        attempts: 1,
      },
      {
        outcome: 'UNKNOWN_USER',
        sign_in_name: unknown,
        tenant_id: null,
        user_id: null,
        app_password_id: null,
        client_ip: ip,
        user_agent: userAgent,
        attempts: 1,
      },
    ]);
    expectNoSecret(rows, appPassword.password);
    expect(server.logs.join('\n')).not.toContain(appPassword.password);
  });
});

describe('last used', () => {
  it('shows when and from where an app last signed in, writing at most once a minute', async () => {
    const { appPassword, authorization, check } = await userWithAppPassword();
    const lastUsed = async () => {
      const [row] = await server.db.query('SELECT last_used_at::text AS at, host(last_used_ip) AS ip FROM app_passwords WHERE id = $1', [
        appPassword.id,
      ]);
      return row as { at: string | null; ip: string | null };
    };

    expect((await check(authorization, { ip: '203.0.113.7' })).status).toBe(204);
    const listed = await appPassword.console.request(SecurityInfoDocument);
    expect(listed.data?.viewer?.securityInfo.appPasswords).toMatchObject([
      { id: appPassword.id, lastUsedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), lastUsedIp: '203.0.113.7' },
    ]);
    const first = await lastUsed();
    expect(first.ip).toBe('203.0.113.7');

    // Right after: no write.
    expect((await check(authorization, { ip: '198.51.100.20' })).status).toBe(204);
    expect(await lastUsed()).toEqual(first);

    // A minute or more later: written again.
    await server.db.query(`UPDATE app_passwords SET last_used_at = last_used_at - interval '2 minutes' WHERE id = $1`, [appPassword.id]);
    const aged = await lastUsed();
    expect((await check(authorization, { ip: '198.51.100.20' })).status).toBe(204);
    const after = await lastUsed();
    expect(after.ip).toBe('198.51.100.20');
    expect(after.at! > aged.at!).toBe(true);
  });

  it('records the direct peer, not X-Forwarded-For, when no proxy is trusted', async () => {
    const untrusting = await startTestServer();
    try {
      const tenant = await createTenant(untrusting.db);
      const user = await createUser(untrusting.db, tenant);
      const appPassword = await createAppPassword(untrusting, user);
      const response = await checkBasic(untrusting, basic(user.email, appPassword.password), { ip: '203.0.113.7' });
      expect(response.status).toBe(204);
      const listed = await appPassword.console.request(SecurityInfoDocument);
      expect(listed.data?.viewer?.securityInfo.appPasswords[0]?.lastUsedIp).toBe('127.0.0.1');
    } finally {
      await untrusting.close();
    }
  });
});

describe('argon2 work per check', () => {
  it('runs exactly one verification per cold check, whatever is wrong, and none when the server remembers the password', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    const stats = server.app.services.appPasswordSignIn.stats;
    const delta = async (header: string) => {
      const before = { ...stats };
      const response = await check(header, { ip: randomIp() });
      return {
        status: response.status,
        argon2: stats.argon2Verifications - before.argon2Verifications,
        cacheHits: stats.cacheHits - before.cacheHits,
      };
    };

    expect(await delta(basic(`nobody-${randomUUID()}@example.test`, randomSecret()))).toEqual({ status: 401, argon2: 1, cacheHits: 0 });
    expect(await delta(basic(user.email, randomSecret()))).toEqual({ status: 401, argon2: 1, cacheHits: 0 });
    expect(await delta(basic(user.email, 'too-short'))).toEqual({ status: 401, argon2: 1, cacheHits: 0 });
    expect(await delta(basic(user.email, `${appPassword.password}x`))).toEqual({ status: 401, argon2: 1, cacheHits: 0 });
    expect(await delta(authorization)).toEqual({ status: 204, argon2: 1, cacheHits: 0 });
    expect(await delta(authorization)).toEqual({ status: 204, argon2: 0, cacheHits: 1 });
    // Remembered under the header as sent: the same password spelt another way is checked once more, then remembered too.
    const respelt = basic(user.email.toUpperCase(), grouped(appPassword.password));
    expect(await delta(respelt)).toEqual({ status: 204, argon2: 1, cacheHits: 0 });
    expect(await delta(respelt)).toEqual({ status: 204, argon2: 0, cacheHits: 1 });
  });
});

describe('hostile input', () => {
  it('answers a 64 KB Authorization header without a server error', async () => {
    const { user, authorization, check } = await userWithAppPassword();
    const huge = `Basic ${Buffer.from(`${user.email}:${'a'.repeat(48 * 1024)}`).toString('base64')}`;
    expect(huge.length).toBeGreaterThan(64 * 1024);
    const status = await rawCheck(server, { authorization: huge });
    expect([401, 431]).toContain(status);

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await check(authorization)).status).toBe(204);
  });

  it('answers 1,200 random Authorization headers with 401 and stays healthy', async () => {
    const { user, appPassword, authorization, check } = await userWithAppPassword();
    const headers = fuzzCorpus(1200, user.email);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    let statuses: Array<number | 'reset'>;
    try {
      statuses = await mapLimit(headers, 20, (header) => rawCheck(server, { authorization: header, 'x-forwarded-for': randomIp() }, agent));
    } finally {
      agent.destroy();
    }

    const counts: Record<string, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    const odd = headers.filter((_, i) => statuses[i] !== 401).slice(0, 5);
    expect({ counts, odd }).toEqual({ counts: { 401: headers.length }, odd: [] });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await check(authorization)).status).toBe(204);
    expect(server.problems()).toEqual([]);
    expect(server.logs.join('\n')).not.toContain(appPassword.password);
  }, 120_000);
});

/** Header values a client can put on the wire: tab, printable ASCII and latin1 bytes (as node:http writes them). */
const WIRE_CHARS = [
  '\t',
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  ...Array.from({ length: 128 }, (_, i) => String.fromCharCode(128 + i)),
];
const PRINTABLE = WIRE_CHARS.slice(1, 96);
const SCHEMES = ['Basic', 'basic', 'BASIC', 'BaSiC', 'Bearer', 'Digest', 'Negotiate', 'NTLM', 'Basic\t', 'Basic  ', '', 'Basicx', 'Basic,'];

function randomString(alphabet: readonly string[], length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** A random length, mostly short, sometimes up to 8 KB. */
function randomLength(): number {
  return randomInt(4) === 0 ? randomInt(8 * 1024) : randomInt(200);
}

/** Random Authorization headers of many shapes; some decode to a name and password and reach the password check. */
function fuzzCorpus(count: number, realName: string): string[] {
  // At most ~50 attempts name the real user, well under the 100 that would stop the name.
  const makers: Array<(i: number) => string> = [
    () => `${SCHEMES[randomInt(SCHEMES.length)]} ${randomBytes(randomLength()).toString('base64')}`,
    () => randomString(PRINTABLE, randomLength()),
    () => randomString(WIRE_CHARS, randomLength()),
    () => `Basic ${randomString(PRINTABLE, randomLength())}`,
    () => `Basic ${Buffer.from(`${randomString(PRINTABLE, randomInt(40))}:${randomString(PRINTABLE, randomInt(60))}`).toString('base64')}`,
    () => `Basic ${Buffer.from(`fuzz-${randomUUID()}@example.test:${randomSecret()}`).toString('base64')}`,
    () =>
      `Basic ${Buffer.from(`${randomString(['a', 'é', '日', '\u0000', ':', ' ', '\u202e'], randomInt(30))}:${randomSecret()}`).toString('base64')}`,
    (i) =>
      `Basic ${Buffer.from(`${i < 450 ? realName : randomUUID()}:${randomString(['a', ':', ' ', '\t', '\u00ff'], randomInt(64))}`).toString('base64url')}`,
    () => basic(randomString(PRINTABLE, randomInt(300)), randomString(PRINTABLE, randomInt(300))).slice(0, randomInt(400)),
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]!(i));
}
