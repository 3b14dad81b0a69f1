import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { pgPool } from '../../db/pg-pool.js';
import type { Role } from '../users/user.entity.js';
import type { AppPasswordRefusal } from './app-password-refusal.js';
import type { AppPasswordScope } from './app-password-scope.js';

/** What a check needs to know about an app password, its user and their tenant's policy. */
export interface Candidate {
  user_id: string;
  tenant_id: string;
  email: string;
  role: Role;
  app_password_id: string | null;
  /** Only on the cold path; the warm path never reads it. */
  secret_hash: string | null;
  /** Only on the cold path: the tag that found it (under the current server key, or a previous one). */
  lookup_tag?: Buffer | null;
  /** Why a correct secret is still refused (app-password-refusal.ts, worked out by PostgreSQL against its own clock); null when nothing stops it. */
  refusal: AppPasswordRefusal | null;
  /** Last used over a minute ago, or never: a success should record this use. */
  last_use_stale: boolean;
  /** Its services that the tenant allows (app-password-scope.ts); null only when no app password was found. */
  services: string[] | null;
  every_service: boolean | null;
  networks: string[] | null;
  /** Which secret (each rotation makes a new version): on the cold path the one the tags found, on the warm path the current one. */
  secret_version: number | null;
  /** Warm path only: the version of a rotation's previous secret while it still works, else null. */
  previous_secret_version?: number | null;
  /** Cold path only: the tags found a rotation's previous secret, still in its overlap. */
  previous_secret?: boolean | null;
  /** Cold path only: the tags found the new secret while the previous one still works; its first success ends that. */
  rotating?: boolean | null;
}

/** What the candidate's app password may be used for and from. */
export function scopeOf(candidate: Candidate): AppPasswordScope {
  return { services: candidate.services ?? [], everyService: candidate.every_service ?? false, networks: candidate.networks ?? [] };
}

/** A use is recorded again after this long, per app password, service and address (last used, services used, networks). */
const USE_MEMORY_MS = 60_000;
const MAX_REMEMBERED_USES = 50_000;

/**
 * At most two batches of each kind in flight; whatever arrives meanwhile
 * joins the next. Measured with 16 busy connections: batches of about 6 and
 * PostgreSQL CPU per warm request ~15 µs (one in flight: batches of 8 but the
 * server idles while it waits; one query per request: 86 µs).
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Collects requests that arrive while earlier ones are in flight and sends
 * them as one statement. An idle server answers at once; a busy one sends
 * fewer, fuller statements instead of a round trip per request.
 */
class Batcher<Item, Result> {
  private pending: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];

  constructor(private readonly send: (items: Item[]) => Promise<Result[]>) {}

  /** Resolves once nothing is waiting or being sent. */
  settled(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
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
      const results = await this.send(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
      if (this.inFlight === 0 && this.pending.length === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}

/**
 * The warm path's confirmation in PostgreSQL, by primary key: does this app
 * password still exist, and do its user and tenant policy still allow it?
 * Every request waits for an answer read after it arrived, so a delete,
 * revoke, disable or policy change on any instance counts on the next request.
 *
 * Confirmations are read-only and travel in batches (`id = ANY(…)`) as a named
 * statement that PostgreSQL plans once per connection. Moving last-used
 * forward is a separate, rarer write: only when the confirmed row says the
 * last use is over a minute old.
 */
export class AppPasswordConfirmations {
  private readonly pool: Pool;
  private readonly confirmations: Batcher<string, Candidate | undefined>;
  private readonly touches: Batcher<{ id: string; ip: string | null; service: string | null }, undefined>;
  /** Uses this process recorded lately, by app password, service and address: when each may be recorded again. */
  private readonly recordedUses = new Map<string, number>();

  constructor(db: DataSource) {
    this.pool = pgPool(db);
    this.confirmations = new Batcher(async (ids) => {
      // One app often has several connections open: each id once.
      const distinct = [...new Set(ids)].join(',');
      const { rows } = await this.pool.query<Candidate>({ name: 'confirm-app-passwords', text: CONFIRM_SQL, values: [distinct] });
      const byId = new Map(rows.map((row) => [row.app_password_id, row]));
      return ids.map((id) => byId.get(id));
    });
    this.touches = new Batcher(async (touches) => {
      await this.pool.query({
        name: 'touch-app-passwords',
        text: TOUCH_SQL,
        values: [touches.map((t) => t.id), touches.map((t) => t.ip), touches.map((t) => t.service)],
      });
      return touches.map(() => undefined);
    });
  }

  /** Resolves once no confirmation or last-used write is waiting or under way (shutdown waits for it before closing the pool). */
  async settled(): Promise<void> {
    await Promise.all([this.confirmations.settled(), this.touches.settled()]);
  }

  confirm(appPasswordId: string): Promise<Candidate | undefined> {
    return this.confirmations.add(appPasswordId);
  }

  /**
   * The first success with a rotated app password's new secret: its previous
   * secret stops working, on every instance, before this success is answered
   * (audited as the server; once, however many instances get here at once).
   */
  async finishRotation(candidate: Candidate, clientIp: string | null): Promise<void> {
    await this.pool.query({
      name: 'finish-app-password-rotation',
      text: FINISH_ROTATION_SQL,
      values: [candidate.app_password_id, candidate.secret_version, clientIp],
    });
  }

  /**
   * Records a use when the last one is over a minute old, or this process
   * has not recorded one for this service and address in the last minute
   * (the statement checks again, for other instances): last used, the
   * service used, and the network used from (a new one is audited). Nothing
   * to wait for otherwise.
   */
  touch(candidate: Candidate, clientIp: string | null, service: string | undefined): Promise<undefined> | undefined {
    const id = candidate.app_password_id!;
    const key = `${id}\0${service ?? ''}\0${clientIp ?? ''}`;
    const now = Date.now();
    const again = this.recordedUses.get(key);
    if (!candidate.last_use_stale && again !== undefined && again > now) return undefined;
    if (this.recordedUses.size >= MAX_REMEMBERED_USES) this.recordedUses.clear();
    this.recordedUses.set(key, now + USE_MEMORY_MS);
    return this.touches.add({ id, ip: clientIp, service: service ?? null });
  }
}

/** Functions that see every tenant (migration RowLevelSecurity): a batch serves many tenants at once. */
const CONFIRM_SQL = `SELECT * FROM confirm_app_passwords(string_to_array($1, ',')::uuid[])`;

const FINISH_ROTATION_SQL = `SELECT finish_app_password_rotation($1::uuid, $2::int, $3::inet)`;

const TOUCH_SQL = `SELECT record_app_password_uses($1::uuid[], $2::inet[], $3::text[])`;
