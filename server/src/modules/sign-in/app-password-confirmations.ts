import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { EXISTING_APP_PASSWORDS_WORK_SQL } from '../tenant-policies/tenant-policy.rules.js';
import type { Role } from '../users/user.entity.js';

/** What a check needs to know about an app password, its user and their tenant's policy. */
export interface Candidate {
  user_id: string;
  tenant_id: string;
  email: string;
  role: Role;
  status: string;
  /** Switched on, or off with KEEP_WORKING. */
  app_passwords_work: boolean;
  app_password_id: string | null;
  secret_hash: string | null;
  expires_at: Date | null;
}

interface Pending {
  id: string;
  name: string;
  ip: string | null;
  tenantId: string | null;
  resolve: (candidate: Candidate | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The warm path's confirmation in PostgreSQL, by primary key: does this app
 * password still exist, and do its user and tenant policy still allow it?
 * Every request waits for an answer read after it arrived, so a delete,
 * revoke, disable or policy change on any instance counts on the next request.
 *
 * Confirmations travel in batches (`id = ANY(…)`), a named statement that
 * PostgreSQL plans once per connection; the same statement moves last-used
 * forward, at most once a minute per app password. At most four batches are
 * in flight; whatever arrives meanwhile waits for the next one, so an idle
 * server answers at once and a busy one sends fewer, fuller queries instead
 * of a round trip per request.
 */
const MAX_BATCHES_IN_FLIGHT = 4;

export class AppPasswordConfirmations {
  private pending: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly pool: Pool;

  constructor(db: DataSource) {
    this.pool = (db.driver as unknown as { master: Pool }).master;
  }

  /** `signInName` lower-cased; `tenantId` when the check is bound to one tenant (last-used moves only if it matches). */
  confirm(appPasswordId: string, signInName: string, clientIp: string | null, tenantId: string | null): Promise<Candidate | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id: appPasswordId, name: signInName, ip: clientIp, tenantId, resolve, reject });
      this.schedule();
    });
  }

  /** Sends the next batch at the end of this event-loop turn, if a slot is free. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_BATCHES_IN_FLIGHT || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.inFlight++;
    try {
      const { rows } = await this.pool.query<Candidate>({
        name: 'confirm-app-passwords',
        text: CONFIRM_SQL,
        values: [batch.map((p) => p.id), batch.map((p) => p.name), batch.map((p) => p.ip), batch.map((p) => p.tenantId)],
      });
      const byId = new Map(rows.map((row) => [row.app_password_id, row]));
      for (const p of batch) p.resolve(byId.get(p.id));
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

const CONFIRM_SQL = `
  WITH asked AS (
    SELECT DISTINCT ON (id) id, name, ip, tenant_id FROM unnest($1::uuid[], $2::text[], $3::inet[], $4::uuid[]) AS a(id, name, ip, tenant_id)
  ), candidate AS (
    SELECT u.id AS user_id, u.tenant_id, u.email, u.role, u.status, ${EXISTING_APP_PASSWORDS_WORK_SQL} AS app_passwords_work,
           ap.id AS app_password_id, NULL::text AS secret_hash, ap.expires_at
      FROM app_passwords ap
      JOIN users u ON u.id = ap.user_id AND u.tenant_id = ap.tenant_id
      JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
     WHERE ap.id IN (SELECT id FROM asked)
  ), touched AS (
    UPDATE app_passwords ap SET last_used_at = now(), last_used_ip = asked.ip
      FROM asked, candidate c
     WHERE ap.id = asked.id AND c.app_password_id = asked.id
       AND (ap.last_used_at IS NULL OR ap.last_used_at < now() - interval '1 minute')
       AND c.status = 'ACTIVE' AND c.app_passwords_work AND lower(c.email) = asked.name
       AND (asked.tenant_id IS NULL OR c.tenant_id = asked.tenant_id)
       AND (c.expires_at IS NULL OR c.expires_at > now())
    RETURNING ap.id
  )
  -- PostgreSQL runs a data-modifying CTE whether or not its result is read
  SELECT * FROM candidate`;
