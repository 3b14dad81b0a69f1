/**
 * The daily clean-up as an instance runs it, in a process of its own so that
 * its work does not share an event loop with the load generator measuring
 * `/auth/basic` meanwhile. Started by cleanup.ts with `fork`:
 *
 *   cleanup-process.ts <tenant id>   over BENCH_DATABASE_URL, as the server's runtime role
 *
 * Sends `{ report, ms }` (the run's own time, without starting up) and exits.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { createDataSource } from '../../server/src/db/data-source.js';
import { AppPasswordCleanupService } from '../../server/src/modules/app-password-cleanup/app-password-cleanup.service.js';
import { entities } from '../../server/src/services.js';

const db = createDataSource(process.env.BENCH_DATABASE_URL!, 2, { runtime: true, entities });
await db.initialize();
try {
  const cleanup = new AppPasswordCleanupService(db);
  const started = performance.now();
  const report = await cleanup.runDue({ tenantIds: [process.argv[2]!] });
  process.send!({ report, ms: performance.now() - started });
} finally {
  await db.destroy();
}
