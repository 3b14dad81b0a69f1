import type { DataSource, EntityManager } from 'typeorm';
import type { TenantReader } from '../common/context.js';

/**
 * Runs `work` in one transaction that PostgreSQL's row-level security limits
 * to one tenant: `app.tenant_id` is set for this transaction only, so it can
 * never leak to the next user of the pooled connection. Outside such a
 * transaction the server's role sees no tenant's rows at all. Queries still
 * name their tenant themselves; this is the second lock on the door.
 */
export function withTenant<T>(db: DataSource | EntityManager, tenantId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
  return db.transaction(async (m) => {
    await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    return work(m);
  });
}

/** Reads outside a GraphQL request (exports, jobs, the CLI): each in a tenant-scoped transaction of its own. */
export function readEachTime(db: DataSource): TenantReader {
  return { read: (tenantId, work) => withTenant(db, tenantId, work) };
}
