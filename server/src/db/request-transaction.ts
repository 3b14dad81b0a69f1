import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { RequestReads } from '../common/context.js';
import { withTenant } from './tenant-scope.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What one GraphQL query reads, in one read-only transaction on one pooled
 * connection: opened by the first resolver that reads, scoped to the
 * request's tenant once (`app.tenant_id`, which row-level security checks on
 * every statement), shared by every resolver after it, and ended when the
 * response is ready. Four resolvers that each read once cost four statements
 * and one BEGIN and COMMIT, instead of four transactions.
 *
 * A request reads one tenant: asking for another is a bug, and throws.
 * Mutations are different (`readSeparately`): each keeps the transaction its
 * service opens (locks, the audit row with the change), and what their answer
 * reads afterwards runs in short transactions of its own, so a request never
 * holds one connection while it waits for another.
 */
export class RequestTransaction implements RequestReads {
  private tenantId: string | undefined;
  private opened: Promise<EntityManager> | undefined;
  private runner: QueryRunner | undefined;
  private shared = true;
  private ended = false;
  /** Reads run one after another: one connection answers one statement at a time anyway, and pg 9 will refuse a queue of its own. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: DataSource) {}

  /** From now on, every read gets a transaction of its own (a mutation's request). */
  readSeparately(): void {
    this.shared = false;
  }

  /** Runs `work` in the request's transaction, after the reads before it; `work` reads through `m`, never through this again. */
  read<T>(tenantId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (!this.shared) return withTenant(this.db, tenantId, work);
    if (this.ended) return Promise.reject(new Error('This request has ended; it reads nothing more.'));
    if (this.tenantId !== undefined && this.tenantId !== tenantId) {
      return Promise.reject(new Error('A GraphQL request reads one tenant; this one asked for a second.'));
    }
    this.tenantId = tenantId;
    const opened = (this.opened ??= this.open(tenantId));
    const reading = this.queue.then(() => opened).then(work);
    this.queue = reading.catch(() => undefined);
    return reading;
  }

  /** Whether a transaction is open (for tests). */
  get isOpen(): boolean {
    return this.runner !== undefined;
  }

  /**
   * Ends the transaction, if one was opened, after the reads still queued:
   * COMMIT when the response is ready, ROLLBACK when the request failed or
   * the client went away. Only the first call counts; a request that read
   * nothing (most mutations, `{ __typename }`) pays nothing here.
   */
  async end(outcome: 'commit' | 'rollback'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    await this.queue;
    // A transaction that failed to open (the database went away) has nothing to end.
    const began = await this.opened!.then(
      () => true,
      () => false,
    );
    try {
      if (began) await runner.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
    } finally {
      await runner.release();
    }
  }

  private async open(tenantId: string): Promise<EntityManager> {
    if (!UUID.test(tenantId)) throw new Error('A tenant id is a UUID.');
    const runner = this.db.createQueryRunner();
    this.runner = runner;
    // One round trip: BEGIN and the tenant scope together (simple protocol, so the id is written in; it is a checked UUID).
    await runner.query(`START TRANSACTION READ ONLY; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
    return runner.manager;
  }
}
