/**
 * Figure 14: the daily clean-up of unused app passwords (issue 14) on the big
 * tenant of the scale part, after figures 5–8 are done with it: what one run
 * costs per revoked app password (alone, as figure 7's bulk revoke is
 * measured), and what the same run does to `/auth/basic` of other tenants
 * meanwhile. See README.md beside it.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { CleanupReport } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.service.js';
import { basicRequest, percentile, runLoad } from './load-generator.js';
import type { ScaleSeed } from './scale.js';
import type { Credential } from './sign-in.js';
import type { ServerHandle } from './start-server.js';
import { fixed, ms, passOrMiss, type Table } from './table.js';

/** The policy the big tenant gets: about 3 of its 4 seeded app passwords have gone unused that long. */
const UNUSED_DAYS = 90;
const CONNECTIONS = 16;
const WINDOW_MS = 1000;
const BASELINE_WINDOWS = 10;

/** One run of the job for `tenantId`, in a process of its own (cleanup-process.ts), timed there. */
function runJob(url: string, tenantId: string): Promise<{ report: CleanupReport; ms: number }> {
  const child = fork(fileURLToPath(new URL('./cleanup-process.ts', import.meta.url)), [tenantId], {
    execArgv: ['--import', '@swc-node/register/esm-register'],
    env: { ...process.env, BENCH_DATABASE_URL: url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as { report: CleanupReport; ms: number }));
    child.once('exit', (code) => reject(new Error(`The clean-up process exited (code ${code}) without a report.`)));
  });
}

/** `work` with a connection of its own to the database at `url`, closed after. */
async function withClient<T>(url: string, work: (sql: pg.Client) => Promise<T>): Promise<T> {
  const sql = new pg.Client(url);
  await sql.connect();
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/**
 * A copy of the database at `url` (no one may be connected to it), for a run of the job that must not change the
 * original; returns its URL and a function that drops it. FILE_COPY: a checkpoint and a copy of the files, instead of
 * writing every page of a few gigabytes through the WAL.
 */
async function copyDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const source = new URL(url).pathname.slice(1);
  const name = `${source}_day7`;
  // Connected to another database than the one copied (the embedded server's bench database is `postgres` itself).
  const server = new URL(url);
  server.pathname = source === 'postgres' ? '/template1' : '/postgres';
  await withClient(server.toString(), (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${source} STRATEGY FILE_COPY`));
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  const drop = async () => void (await withClient(server.toString(), (admin) => admin.query(`DROP DATABASE ${name} WITH (FORCE)`)));
  return { url: copy.toString(), drop };
}

export async function cleanupFigures(
  start: () => Promise<ServerHandle>,
  url: string,
  seeded: ScaleSeed,
  warm: Credential[],
  log: (line: string) => void,
): Promise<Table> {
  const tenantId = seeded.big.tenantId;
  const { notices, due } = await prepareDaySeven(url, tenantId, log);

  // 14a: day 7 alone, on a copy, under the conditions of the bulk-revoke budget it is held to (figure 7: nothing else
  // running); under a load that keeps both cores busy, a run's time mostly says what share of them it got.
  log(`bench: clean-up, day 7 alone: revoking ${due} app passwords (on a copy of the database) …`);
  const copy = await copyDatabase(url);
  let alone: JobRun;
  try {
    alone = await revokeDue(copy.url, tenantId, due);
  } finally {
    await copy.drop();
  }

  // 14b: the same run again, on the original, while other tenants' apps sign in.
  const server = await start();
  try {
    const requests = warm.map((c) => basicRequest(server.port, '/auth/basic', c.email, c.password));
    const window = (warmupMs: number) =>
      runLoad({ port: server.port, requests, connections: CONNECTIONS, warmupMs, measureMs: WINDOW_MS, probe: async () => undefined });
    log(`bench: clean-up, /auth/basic without it, ${BASELINE_WINDOWS} windows of ${WINDOW_MS} ms …`);
    const without: number[] = [];
    for (let i = 0; i < BASELINE_WINDOWS; i++) without.push(...(await window(i === 0 ? 2000 : 100)).latenciesMs);

    log(`bench: clean-up, day 7 again: revoking ${due} app passwords while /auth/basic is under load …`);
    let finished = false;
    const job = revokeDue(url, tenantId, due).finally(() => (finished = true));
    const during: number[] = [];
    let failed = 0;
    while (!finished) {
      const result = await window(100);
      during.push(...result.latenciesMs);
      failed += result.failed;
    }
    return report(notices, alone, await job, without, during, failed);
  } finally {
    await server.stop();
  }
}

type JobRun = Awaited<ReturnType<typeof runJob>>;

/**
 * Day 0 (notices) and the week after it, in the database at `url`; returns day 0's run and how many app passwords
 * day 7 must revoke. Leaves no connection open, so that the database can be copied.
 */
async function prepareDaySeven(url: string, tenantId: string, log: (line: string) => void): Promise<{ notices: JobRun; due: number }> {
  return withClient(url, async (sql) => {
    await sql.query('UPDATE tenant_policies SET revoke_unused_after_days = $2 WHERE tenant_id = $1', [tenantId, UNUSED_DAYS]);
    log(`bench: clean-up, day 0: notices for app passwords unused ${UNUSED_DAYS} days …`);
    const notices = await runJob(url, tenantId);
    // A week passes for the notices, the job's last run (and how far its notices looked) and the policy change before it,
    // so the next run revokes and, as on a real day 7, does not take the policy for a new one (which would check every
    // notice again first), and looks for app passwords to tell among those that became due during the week.
    await sql.query(`UPDATE app_password_unused_notices SET noticed_at = noticed_at - interval '7 days' WHERE tenant_id = $1`, [tenantId]);
    await sql.query(
      `UPDATE tenant_jobs SET last_run_at = last_run_at - interval '7 days', noticed_through = noticed_through - interval '7 days'
        WHERE tenant_id = $1`,
      [tenantId],
    );
    await sql.query(`UPDATE tenant_policies SET updated_at = updated_at - interval '7 days' WHERE tenant_id = $1`, [tenantId]);
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM app_passwords ap JOIN app_password_unused_notices n ON n.app_password_id = ap.id
        WHERE ap.tenant_id = $1
          AND coalesce(ap.last_used_at, ap.created_at) <= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => $2)`,
      [tenantId, UNUSED_DAYS],
    );
    await sql.query('VACUUM ANALYZE');
    return { notices, due: rows[0]!.n };
  });
}

/** Day 7's run in the database at `url`: it must revoke exactly the `due` app passwords, each with its audit event. */
async function revokeDue(url: string, tenantId: string, due: number): Promise<JobRun> {
  const run = await runJob(url, tenantId);
  if (run.report.revoked !== due) throw new Error(`The clean-up revoked ${run.report.revoked}, not the ${due} due.`);
  const { rows } = await withClient(url, (sql) =>
    sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'app_password.revoked' AND details->>'reason' = 'unused'`,
      [tenantId],
    ),
  );
  if (rows[0]!.n !== due) throw new Error(`The clean-up wrote ${rows[0]!.n} audit events, not ${due}.`);
  return run;
}

function report(notices: JobRun, revocation: JobRun, underLoad: JobRun, without: number[], during: number[], failed: number): Table {
  const count = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
  const perRow = (revocation.ms * 1000) / revocation.report.revoked;
  const perNotice = (notices.ms * 1000) / notices.report.noticed;
  const perRowUnderLoad = (underLoad.ms * 1000) / underLoad.report.revoked;
  const [p99Without, p99During] = [percentile(without, 99), percentile(during, 99)];
  const ratio = p99During / p99Without;
  return {
    title: [
      `The daily clean-up on the big tenant — revokeUnusedAfterDays ${UNUSED_DAYS}, batches of 5 000 (each its own transaction), run in a process of its own`,
      `/auth/basic: warm checks of the sign-in part's users (another tenant), ${CONNECTIONS} connections, windows of ${WINDOW_MS} ms`,
    ],
    rows: [
      [
        `14a. clean-up alone, ${count(revocation.report.revoked)} unused app passwords revoked`,
        `${fixed(perRow, 1)} µs/row  (${fixed(revocation.ms / 1000, 1)} s for the run; under 14b's load ${fixed(perRowUnderLoad, 1)} µs/row, ${fixed(underLoad.ms / 1000, 1)} s; day 0's notices: ${count(notices.report.noticed)} in ${fixed(notices.ms / 1000, 1)} s, ${fixed(perNotice, 1)} µs each)`,
        '≤ 30 µs/row',
        passOrMiss(perRow <= 30),
      ],
      [
        '14b. /auth/basic p99 during the clean-up ÷ without',
        `${fixed(ratio)}  (${ms(p99During)} / ${ms(p99Without)}; p50 ${ms(percentile(during, 50))} / ${ms(percentile(without, 50))}; ${count(during.length)} / ${count(without.length)} requests${failed ? `, ${failed} failed during` : ''})`,
        '≤ 2',
        passOrMiss(ratio <= 2),
      ],
    ],
    notes: [
      `day 0: ${JSON.stringify(notices.report)}`,
      `day 7: ${JSON.stringify(revocation.report)} alone, ${JSON.stringify(underLoad.report)} under load`,
      `/auth/basic p90 ${ms(percentile(during, 90))} during, ${ms(percentile(without, 90))} without`,
    ],
  };
}
