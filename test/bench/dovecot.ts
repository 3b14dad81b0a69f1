/**
 * Figure 12: IMAP logins per second through Dovecot with the integration of
 * integrations/dovecot/ (checkpassword asking App Passwords, its cache warm)
 * ÷ the same Dovecot with a static passwd-file passdb, the operator's
 * alternative. Both Dovecots run side by side (support/dovecot.ts, as the
 * test runs them); rounds alternate between them. See README.md beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { imapLogin, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { freePort } from '../support/proxies.js';
import type { Credential } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import { fixed, type Table } from './table.js';

const CONCURRENCY = Number(process.env.BENCH_DOVECOT_CONCURRENCY ?? 8);
const MEASURE_MS = Number(process.env.BENCH_DOVECOT_SECONDS ?? 5) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_MS = 1000;

interface Sample {
  logins: number;
  failed: number;
  seconds: number;
}

/**
 * `start` gives App Passwords as an operator runs it for Dovecot (cache on,
 * TRUSTED_PROXIES=127.0.0.1); `warm` are app passwords of different users,
 * one per concurrent client.
 */
export async function dovecotFigures(start: () => Promise<ServerHandle>, warm: Credential[], log: (line: string) => void): Promise<Table> {
  const title = ['12. Dovecot IMAP logins (LOGIN + LOGOUT on a fresh connection, plaintext on loopback)'];
  if (process.getuid?.() !== 0) return { title, rows: [['12. Dovecot', 'skipped: needs root', '–', 'info']], notes: [] };
  const users = Array.from({ length: CONCURRENCY }, (_, i) => warm[i % warm.length]!);
  const dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-bench-dovecot-'));
  const server = await start();
  const running: RunningDovecot[] = [];
  try {
    const relayPort = await freePort(); // submission is not measured: nothing needs to listen there
    const appPasswords = await startDovecot({ appPasswords: `127.0.0.1:${server.port}`, logFile: path.join(dir, 'app.log'), relayPort });
    running.push(appPasswords);
    const passwdFile = await startDovecot({
      appPasswords: `127.0.0.1:${server.port}`,
      logFile: path.join(dir, 'passwd-file.log'),
      relayPort,
      passwdFile: [...new Set(users)].map((user) => `${user.email}:${sha512Crypt(user.password)}`),
    });
    running.push(passwdFile);

    log(`bench: Dovecot IMAP logins, ${CONCURRENCY} clients, App Passwords (warm) and passwd-file, ${ROUNDS} alternating rounds …`);
    await Promise.all([loginLoad(appPasswords, users, WARMUP_MS), loginLoad(passwdFile, users, WARMUP_MS)]);
    const app: Sample[] = [];
    const file: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const appFirst = round % 2 === 0;
      if (appFirst) app.push(await loginLoad(appPasswords, users, MEASURE_MS));
      file.push(await loginLoad(passwdFile, users, MEASURE_MS));
      if (!appFirst) app.push(await loginLoad(appPasswords, users, MEASURE_MS));
    }
    const rate = (samples: Sample[]) => samples.reduce((n, s) => n + s.logins, 0) / samples.reduce((n, s) => n + s.seconds, 0);
    const failed = (samples: Sample[]) => samples.reduce((n, s) => n + s.failed, 0);
    const [appRate, fileRate] = [rate(app), rate(file)];
    return {
      title,
      rows: [
        [
          '12. App Passwords (warm) ÷ passwd-file',
          `${fixed(appRate / fileRate)} (${fixed(appRate, 1)} ÷ ${fixed(fileRate, 1)} logins/s)`,
          '–',
          'info',
        ],
      ],
      notes: [
        `per round, App Passwords: ${app.map((s) => fixed(s.logins / s.seconds, 1)).join(', ')} logins/s; passwd-file: ${file
          .map((s) => fixed(s.logins / s.seconds, 1))
          .join(', ')} logins/s`,
        `refused or failed logins during the load: App Passwords ${failed(app)}, passwd-file ${failed(file)} (none, normally)`,
        `passwd-file holds {SHA512-CRYPT} hashes from doveadm pw; both Dovecots: auth_cache_size = 0, ${CONCURRENCY} concurrent clients`,
      ],
    };
  } finally {
    for (const dovecot of running) await dovecot.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Closed loop: each client logs in and out, on a fresh connection each time, until `ms` have passed. */
async function loginLoad(dovecot: RunningDovecot, users: Credential[], ms: number): Promise<Sample> {
  const startedAt = performance.now();
  const until = startedAt + ms;
  let logins = 0;
  let failed = 0;
  await Promise.all(
    users.map(async (user) => {
      while (performance.now() < until) {
        const answer = await imapLogin(dovecot.imapPort, '127.0.0.1', user.email, user.password).catch((error: Error) => error.message);
        if (answer.startsWith('a1 OK')) logins++;
        else failed++;
      }
    }),
  );
  return { logins, failed, seconds: (performance.now() - startedAt) / 1000 };
}

/** What an operator puts in a passwd-file: `doveadm pw -s SHA512-CRYPT`, the password typed twice on its standard input. */
function sha512Crypt(password: string): string {
  const result = spawnSync('doveadm', ['pw', '-s', 'SHA512-CRYPT'], { input: `${password}\n${password}\n`, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`doveadm pw failed: ${result.stderr}`);
  return result.stdout.trim();
}
