/**
 * Figure 14: the daily clean-up of unused app passwords (issue 14) on the big
 * tenant of the scale part, after figures 5–8 are done with it: what one run
 * costs per revoked app password, and what it does to `/auth/basic` of other
 * tenants meanwhile. See README.md beside it.
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
const BASELINE_WINDOWS = 5;

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

export async function cleanupFigures(
  start: () => Promise<ServerHandle>,
  url: string,
  seeded: ScaleSeed,
  warm: Credential[],
  log: (line: string) => void,
): Promise<Table> {
  const tenantId = seeded.big.tenantId;
  const sql = new pg.Client(url);
  await sql.connect();
  const server = await start();
  try {
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
    const due = rows[0]!.n;
    await sql.query('VACUUM ANALYZE app_passwords, app_password_unused_notices, audit_events');

    const requests = warm.map((c) => basicRequest(server.port, '/auth/basic', c.email, c.password));
    const window = (warmupMs: number) =>
      runLoad({ port: server.port, requests, connections: CONNECTIONS, warmupMs, measureMs: WINDOW_MS, probe: async () => undefined });
    log(`bench: clean-up, /auth/basic without it, ${BASELINE_WINDOWS} windows of ${WINDOW_MS} ms …`);
    const without: number[] = [];
    for (let i = 0; i < BASELINE_WINDOWS; i++) without.push(...(await window(i === 0 ? 2000 : 100)).latenciesMs);

    log(`bench: clean-up, day 7: revoking ${due} app passwords while /auth/basic is under load …`);
    let finished = false;
    const job = runJob(url, tenantId).finally(() => (finished = true));
    const during: number[] = [];
    let failed = 0;
    while (!finished) {
      const result = await window(100);
      during.push(...result.latenciesMs);
      failed += result.failed;
    }
    const revocation = await job;
    if (revocation.report.revoked !== due) throw new Error(`The clean-up revoked ${revocation.report.revoked}, not the ${due} due.`);
    const { rows: audited } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'app_password.revoked' AND details->>'reason' = 'unused'`,
      [tenantId],
    );
    if (audited[0]!.n !== due) throw new Error(`The clean-up wrote ${audited[0]!.n} audit events, not ${due}.`);
    return report(notices, revocation, without, during, failed);
  } finally {
    await server.stop();
    await sql.end();
  }
}

function report(
  notices: { report: CleanupReport; ms: number },
  revocation: { report: CleanupReport; ms: number },
  without: number[],
  during: number[],
  failed: number,
): Table {
  const count = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
  const perRow = (revocation.ms * 1000) / revocation.report.revoked;
  const perNotice = (notices.ms * 1000) / notices.report.noticed;
  const [p99Without, p99During] = [percentile(without, 99), percentile(during, 99)];
  const ratio = p99During / p99Without;
  return {
    title: [
      `The daily clean-up on the big tenant — revokeUnusedAfterDays ${UNUSED_DAYS}, batches of 5 000 (each its own transaction), run in a process of its own`,
      `/auth/basic: warm checks of the sign-in part's users (another tenant), ${CONNECTIONS} connections, windows of ${WINDOW_MS} ms`,
    ],
    rows: [
      [
        `14a. clean-up, ${count(revocation.report.revoked)} unused app passwords revoked`,
        `${fixed(perRow, 1)} µs/row  (${fixed(revocation.ms / 1000, 1)} s for the run; day 0's notices: ${count(notices.report.noticed)} in ${fixed(notices.ms / 1000, 1)} s, ${fixed(perNotice, 1)} µs each)`,
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
      `day 7: ${JSON.stringify(revocation.report)}`,
      `/auth/basic p90 ${ms(percentile(during, 90))} during, ${ms(percentile(without, 90))} without`,
    ],
  };
}
