/**
 * integrations/dovecot/ in Debian's real Dovecot 2.3: mail apps sign in to
 * IMAP, and to SMTP AUTH through Dovecot's submission service, with app
 * passwords that the checkpassword script asks App Passwords about. The
 * client is curl, from a loopback address of each test's own (all of 127/8
 * is loopback), so that the address Dovecot forwards is told apart from its
 * own 127.0.0.1. See support/dovecot.ts for how Dovecot runs.
 */
import { spawn } from 'node:child_process';
import { DeleteAppPasswordDocument, SecurityInfoDocument } from '@app-passwords/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/src/db/data-source.js';
import {
  basic,
  createAppPassword,
  mapLimit,
  outcomesOf,
  randomSecret,
  signInEventsByIp,
  type SignInEventRow,
} from '../support/app-passwords.js';
import { createEmptyDatabase, type OwnDatabase } from '../support/databases.js';
import {
  curlWithUser,
  imapLogin,
  startDovecot,
  startSmtpSink,
  type CurlResult,
  type RunningDovecot,
  type SmtpSink,
} from '../support/dovecot.js';
import { createTenant, createUser } from '../support/factories.js';
import { integrationFile, runLogFile, trustedProxiesIn } from '../support/proxies.js';
import { recordSecret } from '../support/secrets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** curl's exit code when the server refuses the login (IMAP NO, SMTP 535). */
const LOGIN_DENIED = 67;

/** A client address of its own per test, never Dovecot's 127.0.0.1. */
let nextClient = 2;
const newClientAddress = () => `127.0.0.${nextClient++}`;

/**
 * What a mail client sends for a password, for the end-of-run scan of every
 * log (support/secrets.ts): SASL PLAIN as curl sends it, and LOGIN's password.
 */
function recordMailSecrets(name: string, password: string): void {
  recordSecret(Buffer.from(`\0${name}\0${password}`).toString('base64'));
  recordSecret(Buffer.from(password).toString('base64'));
  basic(name, password);
}

describe.skipIf(process.getuid?.() !== 0)('integrations/dovecot in Debian’s Dovecot (as root only)', () => {
  const script = integrationFile('dovecot/app-passwords-checkpassword');
  let database: OwnDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let dovecot: RunningDovecot;
  let message: string;

  beforeAll(async () => {
    database = await createEmptyDatabase('dovecot');
    // App Passwords as the script tells the operator to configure it.
    server = await startTestServer({ databaseUrl: database.url, trustedProxies: trustedProxiesIn(script) });
    await migrate(server.db);
    sink = await startSmtpSink();
    dovecot = await startDovecot({
      appPasswords: new URL(server.url).host,
      logFile: runLogFile('dovecot'),
      relayPort: sink.port,
    });
    message = dovecot.file('message.eml', 'Subject: From the mail app\r\n\r\nSent with an app password.\r\n');
  });
  afterAll(async () => {
    await dovecot?.stop();
    await sink?.close();
    await server?.close();
    await database?.drop();
  });

  /** A user with an app password (for these services, from these networks: default all, anywhere), and a client address of this test's own. */
  async function mailUser(options: { services?: string[]; networks?: string[] } = {}) {
    const tenant = await createTenant(server.db);
    const user = await createUser(server.db, tenant);
    const appPassword = await createAppPassword(server, user, options);
    recordMailSecrets(user.email, appPassword.password);
    return { user, appPassword, client: newClientAddress() };
  }

  /** curl lists the mailboxes, as a mail app does after signing in. */
  function imap(from: string, name: string, password: string, args: string[] = []): Promise<CurlResult> {
    recordMailSecrets(name, password);
    return curlWithUser(`imap://127.0.0.1:${dovecot.imapPort}/`, from, name, password, args);
  }

  /** curl lists the messages over POP3, as a mail app that downloads and deletes does. */
  function pop3(from: string, name: string, password: string): Promise<CurlResult> {
    recordMailSecrets(name, password);
    return curlWithUser(`pop3://127.0.0.1:${dovecot.pop3Port}/`, from, name, password);
  }

  /** curl sends a message through Dovecot's submission service with SMTP AUTH. */
  function smtp(from: string, name: string, password: string): Promise<CurlResult> {
    recordMailSecrets(name, password);
    return curlWithUser(`smtp://127.0.0.1:${dovecot.submissionPort}`, from, name, password, [
      '--mail-from',
      name,
      '--mail-rcpt',
      'friend@example.net',
      '--upload-file',
      message,
    ]);
  }

  it('lets a good app password sign in over IMAP', async () => {
    const { user, appPassword, client } = await mailUser();

    const listed = await imap(client, user.email, appPassword.password);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^\* LIST .* INBOX\r?$/m);
    const [event] = await signInEventsByIp(server, client);
    expect(event).toMatchObject({ outcome: 'SUCCESS', app_password_id: appPassword.id, user_agent: 'Dovecot (imap)' });
    expect(serviceOf(event!)).toBe('imap');
  });

  it("lets a good app password send mail with SMTP AUTH through Dovecot's submission service", async () => {
    const { user, appPassword, client } = await mailUser();
    const before = sink.messages.length;

    const sent = await smtp(client, user.email, appPassword.password);
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect(sink.messages.slice(before)).toEqual([
      { from: user.email, to: ['friend@example.net'], data: expect.stringContaining('Subject: From the mail app') },
    ]);
    const [event] = await signInEventsByIp(server, client);
    expect(event).toMatchObject({ outcome: 'SUCCESS', app_password_id: appPassword.id, user_agent: 'Dovecot (submission)' });
    // Dovecot's submission service is App Passwords' smtp.
    expect(serviceOf(event!)).toBe('smtp');
  });

  it('refuses a wrong app password over IMAP and SMTP, and nothing is relayed', async () => {
    const { user, client } = await mailUser();
    const before = sink.messages.length;

    expect((await imap(client, user.email, randomSecret())).code).toBe(LOGIN_DENIED);
    expect((await smtp(client, user.email, randomSecret())).code).toBe(LOGIN_DENIED);
    expect(sink.messages.length).toBe(before);
    expect(outcomesOf(await signInEventsByIp(server, client))).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD']);
  });

  it('refuses an app password without the service imap over IMAP, while it still sends mail over SMTP', async () => {
    const { user, appPassword, client } = await mailUser({ services: ['smtp'] });

    expect((await imap(client, user.email, appPassword.password)).code).toBe(LOGIN_DENIED);
    expect((await smtp(client, user.email, appPassword.password)).code).toBe(0);
    const events = await signInEventsByIp(server, client);
    expect(events.map((event) => [event.outcome, serviceOf(event)])).toEqual([
      ['SERVICE_NOT_ALLOWED', 'imap'],
      ['SUCCESS', 'smtp'],
    ]);
  });

  it('lets an app password with the service pop3 sign in over POP3, and refuses one made for IMAP only', async () => {
    const { user, appPassword, client } = await mailUser({ services: ['pop3'] });
    const imapOnly = await createAppPassword(server, user, { name: 'IMAP only', services: ['imap'] });

    expect(await pop3(client, user.email, appPassword.password)).toMatchObject({ code: 0, stderr: '' });
    expect((await pop3(client, user.email, imapOnly.password)).code).toBe(LOGIN_DENIED);
    const events = await signInEventsByIp(server, client);
    expect(events.map((event) => [event.outcome, serviceOf(event), event.user_agent])).toEqual([
      ['SUCCESS', 'pop3', 'Dovecot (pop3)'],
      ['SERVICE_NOT_ALLOWED', 'pop3', 'Dovecot (pop3)'],
    ]);
  });

  it('refuses an app password used from outside its networks, and lets it in from inside them', async () => {
    const inside = newClientAddress();
    const { user, appPassword, client: outside } = await mailUser({ networks: [`${inside}/32`] });

    expect((await imap(outside, user.email, appPassword.password)).code).toBe(LOGIN_DENIED);
    expect((await smtp(outside, user.email, appPassword.password)).code).toBe(LOGIN_DENIED);
    expect((await imap(inside, user.email, appPassword.password)).code).toBe(0);
    expect(outcomesOf(await signInEventsByIp(server, outside))).toEqual(['NETWORK_NOT_ALLOWED', 'NETWORK_NOT_ALLOWED']);
    expect(outcomesOf(await signInEventsByIp(server, inside))).toEqual(['SUCCESS']);
  });

  it('refuses an app password deleted a moment ago at the very next login (no cache in Dovecot)', async () => {
    const { user, appPassword, client } = await mailUser();
    expect((await imap(client, user.email, appPassword.password)).code).toBe(0);
    expect((await smtp(client, user.email, appPassword.password)).code).toBe(0);

    const deleted = await appPassword.console.request(DeleteAppPasswordDocument, { id: appPassword.id });
    expect(deleted.data?.deleteAppPassword).toEqual({ deletedId: appPassword.id });
    expect((await imap(client, user.email, appPassword.password)).code).toBe(LOGIN_DENIED);
    expect((await smtp(client, user.email, appPassword.password)).code).toBe(LOGIN_DENIED);
    const outcomes = outcomesOf(await signInEventsByIp(server, client));
    expect(outcomes.slice(0, 3)).toEqual(['SUCCESS', 'SUCCESS', 'REVOKED']);
    expect(outcomes.slice(3)).not.toContain('SUCCESS');
  });

  it('still lets a good login in at once after 20 failures from the same address (no lock-up, no penalty)', async () => {
    const stale = await mailUser();
    const { user, appPassword } = await mailUser();
    const office = stale.client;

    // A phone with an old password, retrying; four at a time, as a few apps behind one address would.
    const failed = await mapLimit(Array.from({ length: 20 }), 4, () => imap(office, stale.user.email, randomSecret()));
    expect(failed.map((result) => result.code)).toEqual(Array(20).fill(LOGIN_DENIED));

    // Dovecot's own penalty would hold this login for 15 s; curl gives up after 8.
    const startedAt = Date.now();
    const colleague = await imap(office, user.email, appPassword.password, ['--max-time', '8']);
    expect(colleague, `took ${Date.now() - startedAt} ms`).toMatchObject({ code: 0, stderr: '' });
    expect(outcomesOf(await signInEventsByIp(server, office)).filter((outcome) => outcome === 'SUCCESS')).toEqual(['SUCCESS']);
  });

  it("records the mail client's own address in the sign-in log and as last used, never Dovecot's", async () => {
    const { user, appPassword, client } = await mailUser();

    expect((await imap(client, user.email, appPassword.password)).code).toBe(0);
    expect((await smtp(client, user.email, randomSecret())).code).toBe(LOGIN_DENIED);
    const events = await signInEventsByIp(server, client);
    expect(events.map(({ outcome, client_ip, sign_in_name }) => ({ outcome, client_ip, sign_in_name }))).toEqual([
      { outcome: 'SUCCESS', client_ip: client, sign_in_name: user.email },
      { outcome: 'WRONG_PASSWORD', client_ip: client, sign_in_name: user.email },
    ]);
    const listed = await appPassword.console.request(SecurityInfoDocument);
    expect(listed.data?.viewer?.securityInfo.appPasswords.map(({ id, lastUsedIp }) => ({ id, lastUsedIp }))).toEqual([
      { id: appPassword.id, lastUsedIp: client },
    ]);
    // Every test's mail client has an address of its own: no app password was ever checked as from Dovecot's.
    const fromDovecot = (await signInEventsByIp(server, '127.0.0.1')).filter((event) => JSON.parse(event.json).method === 'APP_PASSWORD');
    expect(fromDovecot).toEqual([]);
  });

  it('answers "temporary failure", not "wrong password", while App Passwords cannot check, and recovers', async () => {
    const { user, appPassword, client } = await mailUser();
    expect(await imapLogin(dovecot.imapPort, client, user.email, randomSecret())).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);

    await database.admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
    try {
      await database.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
      expect(await imapLogin(dovecot.imapPort, client, user.email, appPassword.password)).toMatch(/^a1 NO \[UNAVAILABLE\]/);
    } finally {
      await database.admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
    }
    expect(await imapLogin(dovecot.imapPort, client, user.email, appPassword.password)).toMatch(/^a1 OK/);
    expect(dovecot.log()).toContain('app-passwords-checkpassword: App Passwords answered 503');
  });

  it("never shows the password in Dovecot's log or in the process list, while logins run", async () => {
    const { user, appPassword, client } = await mailUser();
    const secrets = [
      appPassword.password,
      Buffer.from(`${user.email}:${appPassword.password}`).toString('base64'),
      Buffer.from(`\0${user.email}\0${appPassword.password}`).toString('base64'),
    ];
    const watcher = watchProcesses(secrets, dovecot.scriptPath);
    try {
      await watcher.ready;
      for (let i = 0; i < 10; i++) {
        expect((await imap(client, user.email, appPassword.password)).code).toBe(0);
        expect((await smtp(client, user.email, appPassword.password)).code).toBe(0);
      }
      expect((await imap(client, user.email, randomSecret())).code).toBe(LOGIN_DENIED);
    } finally {
      watcher.stop();
    }
    const seen = await watcher.result;
    // The watcher did see the script and its curl at work: it would have seen a password on their command lines.
    expect(seen.sweeps).toBeGreaterThan(0);
    expect(seen.sawScript).toBeGreaterThan(0);
    expect(seen.sawCheck).toBeGreaterThan(0);
    expect(seen.leaks).toEqual([]);

    const log = dovecot.log();
    expect(log).toContain(`imap-login: Info: Login: user=<${user.email}>`);
    expect(log).toContain(`submission-login: Info: Login: user=<${user.email}>`);
    for (const secret of secrets) expect(log.includes(secret), 'a password in Dovecot’s log').toBe(false);
  });
});

/** The service a sign-in log row records (null when the check named none). */
function serviceOf(event: SignInEventRow): string | null {
  return JSON.parse(event.json).service;
}

interface ProcessWatch {
  sweeps: number;
  /** Sweeps that found the checkpassword script running. */
  sawScript: number;
  /** Sweeps that found its curl asking /auth/basic. */
  sawCheck: number;
  /** Where a secret showed (never the secret itself). */
  leaks: Array<{ pid: string; where: string; command: string }>;
}

/**
 * A separate Node process that reads every process's command line and
 * environment in /proc, over and over, until stopped: what any local user
 * would see with `ps` (and root in /proc/<pid>/environ). The secrets reach it
 * on its standard input, so it has none on its own command line.
 */
function watchProcesses(secrets: string[], script: string) {
  const code = `
    const fs = require('node:fs');
    const result = { sweeps: 0, sawScript: 0, sawCheck: 0, leaks: [] };
    let input = '';
    let config;
    let stopped = false;
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      input += chunk;
      if (config || !input.includes('\\n')) return;
      config = JSON.parse(input.slice(0, input.indexOf('\\n')));
      process.stdout.write('ready\\n');
      setImmediate(sweep);
    });
    process.stdin.on('end', () => (stopped = true));
    function sweep() {
      if (stopped) return process.stdout.write(JSON.stringify(result) + '\\n');
      let script = false;
      let check = false;
      for (const pid of fs.readdirSync('/proc')) {
        if (!/^\\d+$/.test(pid) || pid === String(process.pid)) continue;
        for (const where of ['cmdline', 'environ']) {
          let text;
          try { text = fs.readFileSync('/proc/' + pid + '/' + where, 'latin1'); } catch { continue; }
          if (where === 'cmdline' && text.includes(config.script)) script = true;
          if (where === 'cmdline' && text.startsWith('curl') && text.includes('/auth/basic')) check = true;
          for (const secret of config.secrets)
            if (text.includes(secret)) result.leaks.push({ pid, where, command: text.split('\\0')[0] });
        }
      }
      result.sweeps++;
      if (script) result.sawScript++;
      if (check) result.sawCheck++;
      setImmediate(sweep);
    }
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.startsWith('ready\n')) resolve();
    });
    child.once('exit', (exitCode) => reject(new Error(`The process watcher exited with ${exitCode}`)));
  });
  const result = new Promise<ProcessWatch>((resolve, reject) =>
    child.once('exit', () => {
      const line = output.split('\n').filter(Boolean).at(-1) ?? '';
      if (line.startsWith('{')) resolve(JSON.parse(line));
      else reject(new Error(`The process watcher said: ${output}`));
    }),
  );
  child.stdin.write(`${JSON.stringify({ secrets, script })}\n`);
  return { ready, result, stop: () => child.stdin.end() };
}
