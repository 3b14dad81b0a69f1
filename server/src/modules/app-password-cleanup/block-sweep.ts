import type { DataSource, EntityManager } from 'typeorm';
import type { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';

/**
 * A sweep of app_passwords in block order for one tenant, for the clean-up's mass work (most of a big tenant told, or
 * revoked, on one day): each page is read and written once, where in an index's order the rows are at random in the
 * heap and each page comes back into memory (and into the write-ahead log) once per row on it. Rows it writes to
 * another table (notices, audit events) land there in the same order, so a later sweep finds them together too.
 */

/** How many pages app_passwords has now, in SQL. */
export const APP_PASSWORD_PAGES_SQL = "(pg_relation_size('app_passwords') / current_setting('block_size')::int)::int";

/** The addresses of one batch's window of blocks, after the last row taken. */
export interface TidWindow {
  after: string;
  end: string;
}

/** `ap` in the window, in SQL, parameters through `q`. */
export const inWindowSql = (q: SqlParams, window: TidWindow): string =>
  `ap.ctid > ${q.p(window.after)}::tid AND ap.ctid < ${q.p(window.end)}::tid`;

/** What one batch did: rows taken (at most the batch size, in row-address order), how many it counts, the last one's address. */
export interface SweepBatch {
  taken: number;
  count: number;
  lastTid: string | null;
}

/**
 * Runs `batch` over the table in windows of blocks, each in a transaction of its own scoped to the tenant; a batch that
 * takes a full `batchSize` is followed by one from its last row. Each window is sized to hold about `batchSize` rows to
 * take, at first by `rowsPerPage` (an estimate), then by what the batches before it found. Returns the sum of the
 * batches' counts.
 */
export async function sweepInBlockOrder(
  db: DataSource,
  tenantId: string,
  rowsPerPage: number,
  batchSize: number,
  batch: (m: EntityManager, window: TidWindow) => Promise<SweepBatch>,
): Promise<number> {
  const pages = await tablePages(db);
  let density = Math.max(rowsPerPage, 1 / pages);
  let total = 0;
  let after = '(0,0)';
  let block = 0;
  while (block < pages) {
    const size = Math.max(1, Math.ceil(batchSize / density));
    const done = await withTenant(db, tenantId, (m) => batch(m, { after, end: `(${block + size},0)` }));
    total += done.count;
    const full = done.taken >= batchSize && done.lastTid;
    const next = full ? Number(/^\((\d+),/.exec(done.lastTid!)![1]) : block + size;
    // Seen: the rows taken over the blocks they came from; an empty window widens the next one 4 times at most.
    density = Math.max(done.taken / Math.max(1, next - block + (full ? 1 : 0)), density / 4);
    after = full ? done.lastTid! : `(${block + size - 1},65535)`;
    block = next;
  }
  return total;
}

/** The table's pages now. */
async function tablePages(db: DataSource): Promise<number> {
  const [row]: [{ pages: number }] = await db.query(`SELECT ${APP_PASSWORD_PAGES_SQL} AS pages`);
  return row.pages;
}
