import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetMyLanguageDocument } from '@app-passwords/schema';
import { createDataSource, migrate } from '../../server/src/db/data-source.js';
import { adminTenant, dataOf, documentationIp } from '../support/admin.js';
import { basic, checkBasic, createAppPassword, randomIp, randomSecret } from '../support/app-passwords.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import { createTenant, createUser, insertAppPasswords, signedInClient, type TestTenant, type TestUser } from '../support/factories.js';
import { REVOKE_COUNT } from '../support/operations.js';
import { startServerProcess, stopServerProcesses } from '../support/server-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp-server.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Inline: `language`, that of the mails, which the console never asks for. */
const LANGUAGES = `query { viewer { language chosenLanguage } }`;

/*
 * Mail notifications end to end: the server over a database of this file's
 * own, a real SMTP server with AUTH on a loopback port, and what arrives there
 * parsed back, as the user's mail client would show it.
 */

const PUBLIC_URL = 'https://apps.example.com';
const MAIL_FROM = 'App Passwords <no-reply@apps.example.com>';
/** Longer than the worker's poll (2 s) and a first retry: a second mail that was going to come would have. */
const SETTLE_MS = 6_000;

let database: OwnDatabase;
let owner: DataSource;
let smtp: TestSmtpServer;
let server: TestServer;
let serverClosed = false;
let tenant: TestTenant;

beforeAll(async () => {
  database = await createEmptyDatabase('mail');
  owner = createDataSource(database.url, 2);
  await owner.initialize();
  await migrate(owner);
  smtp = await startSmtpServer();
  server = await startTestServer({
    databaseUrl: database.url,
    smtp: smtp.settings,
    mailFrom: MAIL_FROM,
    publicUrl: PUBLIC_URL,
    trustedProxies: ['127.0.0.1'],
    appPasswordCacheTtlSeconds: 0,
  });
  tenant = await createTenant(server.db);
}, 60_000);

afterAll(async () => {
  await stopServerProcesses();
  if (!serverClosed) await server?.close();
  await smtp?.stop();
  await owner?.destroy();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function oneMailTo(user: TestUser): Promise<ReceivedMail> {
  const [mail] = await smtp.waitForMails(user.email, 1);
  expect(mail, `a mail to ${user.email}`).toBeDefined();
  return mail!;
}

async function mailRows(user: TestUser): Promise<Array<{ kind: string; status: string; attempts: number; last_error: string | null }>> {
  return server.db.query('SELECT kind, status, attempts, last_error FROM mail_messages WHERE user_id = $1 ORDER BY id', [user.id]);
}

/** What every mail must never hold: the secret, as shown and as typed with spaces. */
function expectNoSecret(mail: ReceivedMail, secret: string) {
  expect(mail.raw).not.toContain(secret);
  expect(mail.raw).not.toContain(secret.match(/.{1,4}/g)!.join(' '));
}

describe('a new app password', () => {
  it('mails its owner once, in English: its name, when, from where, and where to go if it was not them; never the secret', async () => {
    const user = await createUser(server.db, tenant);
    const ip = documentationIp();
    const console = await signedInClient(server, user, { ip });
    const created = await createAppPassword(server, user, { name: 'Thunderbird on my laptop', console });

    const mail = await oneMailTo(user);
    const [event] = await server.db.query(`SELECT occurred_at FROM audit_events WHERE app_password_id = $1`, [created.id]);
    const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(event.occurred_at);
    expect(mail.parsed.subject).toBe('New app password “Thunderbird on my laptop” on your account');
    expect(mail.parsed.from?.text).toBe('"App Passwords" <no-reply@apps.example.com>');
    expect(mail.parsed.text).toContain(`“Thunderbird on my laptop”, created ${when} UTC from ${ip}`);
    expect(mail.parsed.text).toContain(`This wasn’t me?`);
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/security-info`);
    expect(mail.parsed.html).toContain(`href="${PUBLIC_URL}/security-info"`);
    expect(mail.parsed.html).toContain(ip);
    expectNoSecret(mail, created.password);

    await sleep(SETTLE_MS);
    expect(smtp.mailsTo(user.email)).toHaveLength(1);
    expect(await mailRows(user)).toEqual([expect.objectContaining({ kind: 'app_password.created', status: 'sent', attempts: 1 })]);
  });

  it('is in Dutch for a user who chose Dutch in the console (saved with setMyLanguage, audited once)', async () => {
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    expect(dataOf(await console.request(LANGUAGES))).toEqual({ viewer: { language: 'EN', chosenLanguage: null } });
    for (let i = 0; i < 2; i++) dataOf(await console.request(SetMyLanguageDocument, { language: 'NL' }));
    expect(dataOf(await console.request(LANGUAGES))).toEqual({ viewer: { language: 'NL', chosenLanguage: 'NL' } });
    const changes = await server.db.query(
      `SELECT details FROM audit_events WHERE target_user_id = $1 AND action = 'user.language_changed'`,
      [user.id],
    );
    expect(changes).toEqual([{ details: { before: 'en', after: 'nl' } }]);

    const created = await createAppPassword(server, user, { name: 'Agenda op de telefoon', console });
    const mail = await oneMailTo(user);
    expect(mail.parsed.subject).toBe('Nieuw app-wachtwoord ‘Agenda op de telefoon’ voor je account');
    expect(mail.parsed.text).toContain('Hallo Test User,');
    expect(mail.parsed.html).toContain('<html lang="nl">');
    expectNoSecret(mail, created.password);
  });

  it('choosing English, the language the mails were in already, makes it chosen (the console then follows it), unaudited', async () => {
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    expect(dataOf(await console.request(SetMyLanguageDocument, { language: 'EN' }))).toEqual({ setMyLanguage: { language: 'EN' } });
    expect(dataOf(await console.request(LANGUAGES))).toEqual({
      viewer: { language: 'EN', chosenLanguage: 'EN' },
    });
    const changes = await server.db.query(`SELECT 1 FROM audit_events WHERE target_user_id = $1 AND action = 'user.language_changed'`, [
      user.id,
    ]);
    expect(changes).toEqual([]);
  });

  it('shows a name like <script> as text in the HTML part, escaped, never as markup', async () => {
    const user = await createUser(server.db, tenant);
    const name = '<script>alert("hi")</script><img src=x>';
    await createAppPassword(server, user, { name });
    const mail = await oneMailTo(user);
    expect(mail.parsed.html).not.toMatch(/<script|<img/i);
    expect(mail.parsed.html).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;&lt;img src=x&gt;');
    expect(mail.parsed.text).toContain(name);
  });
});

describe('a mail server that is down', () => {
  it('delays the mails and loses none: they arrive once it is back', async () => {
    const user = await createUser(server.db, tenant);
    const console = await signedInClient(server, user);
    await smtp.stop();
    try {
      await createAppPassword(server, user, { name: 'Printer', console });
      await createAppPassword(server, user, { name: 'Scanner', console });
      // The worker tried, failed, and keeps them for later.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await mailRows(user)).every((r) => r.attempts >= 1 && r.last_error)) await sleep(200);
      const rows = await mailRows(user);
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.status === 'queued' && r.attempts >= 1 && r.last_error)).toBe(true);
      expect(smtp.mailsTo(user.email)).toEqual([]);
    } finally {
      await smtp.start();
    }
    const mails = await smtp.waitForMails(user.email, 2, 40_000);
    expect(mails.map((m) => m.parsed.subject).sort()).toEqual([
      'New app password “Printer” on your account',
      'New app password “Scanner” on your account',
    ]);
    // The mail server has them once it accepted them; the worker marks each row sent just after.
    await expect
      .poll(async () => (await mailRows(user)).map((r) => r.status), { timeout: 10_000, interval: 100 })
      .toEqual(['sent', 'sent']);
    expect(server.logs.join('\n')).toContain('Could not send a mail notification; will try again');
  }, 90_000);
});

describe('bulk changes', () => {
  it('a bulk revoke of 100 app passwords of 3 owners mails each owner once, listing theirs', async () => {
    const admin = await adminTenant(server);
    const owners = await Promise.all(
      [34, 33, 33].map(async (count) => {
        const user = await createUser(server.db, admin.tenant);
        await insertAppPasswords(server.db, user, count);
        return user;
      }),
    );
    const result = await admin.console.request(REVOKE_COUNT, {
      input: { userIds: owners.map((o) => o.id), reason: 'Laptops <lost> at the airport' },
    });
    expect(dataOf(result).revokeAppPasswords).toEqual({ count: 100 });

    for (const [i, user] of owners.entries()) {
      const mail = await oneMailTo(user);
      const count = i === 0 ? 34 : 33;
      expect(mail.parsed.subject).toBe(`${count} of your app passwords were revoked`);
      expect(mail.parsed.text).toContain(`by an administrator of ${admin.tenant.name}`);
      expect(mail.parsed.text).toContain('Reason given: “Laptops <lost> at the airport”.');
      expect(mail.parsed.text).toContain(`and ${count - 20} more`);
      expect(mail.parsed.html).toContain('Laptops &lt;lost&gt; at the airport');
    }
    const rows = await server.db.query(`SELECT count(*)::int AS n FROM mail_messages WHERE tenant_id = $1`, [admin.tenant.id]);
    expect(rows).toEqual([{ n: 3 }]);
    await sleep(SETTLE_MS);
    for (const user of owners) expect(smtp.mailsTo(user.email)).toHaveLength(1);
  });
});

describe('sign-ins blocked after many failures', () => {
  it('mail the user at most once an hour: blocked twice, one mail', async () => {
    const user = await createUser(server.db, tenant);
    const key = `name:${user.email.toLowerCase()}`;
    // The first failure makes the user's counter; then 99 failures in a row (as sign-in-lockout.test.ts does) and one more blocks.
    await checkBasic(server, basic(user.email, randomSecret()), { ip: randomIp() });
    for (let block = 0; block < 2; block++) {
      await server.db.query(`UPDATE sign_in_throttles SET failures = 99, blocked_until = NULL WHERE key = $1`, [key]);
      expect((await checkBasic(server, basic(user.email, randomSecret()), { ip: randomIp() })).status).toBe(401);
    }
    const blocks = await server.db.query(`SELECT 1 FROM audit_events WHERE target_user_id = $1 AND action = 'user.sign_in_blocked'`, [
      user.id,
    ]);
    expect(blocks).toHaveLength(2);

    const mail = await oneMailTo(user);
    expect(mail.parsed.subject).toBe('Sign-ins to your account were paused after many failed attempts');
    await sleep(SETTLE_MS);
    expect(smtp.mailsTo(user.email)).toHaveLength(1);
  });
});

describe('without SMTP_URL', () => {
  it('queues and sends nothing, and says so once in the start-up log', async () => {
    const quiet = await startTestServer({ databaseUrl: database.url });
    try {
      expect(quiet.logs.filter((line) => line.includes('Mail notifications are off'))).toHaveLength(1);
      const user = await createUser(quiet.db, tenant);
      await createAppPassword(quiet, user, { name: 'Unnoticed' });
      await sleep(SETTLE_MS);
      expect(await mailRows(user)).toEqual([]);
      expect(smtp.mailsTo(user.email)).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});

describe('two server processes', () => {
  it('send each mail once, and neither logs the SMTP password', async () => {
    // Only the two processes send from here on.
    await server.close();
    serverClosed = true;
    const options = {
      databaseUrl: database.url,
      lookupKey: server.lookupKey.toString('hex'),
      env: { SMTP_URL: smtp.url, MAIL_FROM, PUBLIC_URL, TRUSTED_PROXIES: '127.0.0.1' },
    };
    const [a, b] = await Promise.all([startServerProcess(options), startServerProcess(options)]);
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(owner, tenant)));
    await Promise.all(users.map((user, i) => createAppPassword(i % 2 ? a : b, user, { name: `Phone ${i}` })));

    for (const user of users) await oneMailTo(user);
    await sleep(SETTLE_MS);
    for (const user of users) expect(smtp.mailsTo(user.email)).toHaveLength(1);
    const ids = users.map((user) => smtp.mailsTo(user.email)[0]!.parsed.messageId);
    expect(new Set(ids).size).toBe(users.length);
    for (const process of [a, b]) {
      expect(process.output()).toContain('Mail notifications are on: sent through smtp://127.0.0.1');
      expect(process.output()).not.toContain(smtp.settings.pass!);
    }
  }, 120_000);
});
