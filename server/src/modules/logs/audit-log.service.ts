import { isProblem, parseServiceKey } from '../services/service-catalog.js';
import type { DataSource } from 'typeorm';
import type { Actor, TenantReader, UserActor } from '../../common/context.js';
import { badInput } from '../../common/errors.js';
import { decodeCursor, encodeCursor, pageSize, requireUuids, toPage, type Page, type PageArgs } from '../../common/pagination.js';
import { SqlParams } from '../../common/sql.js';
import type { AuditEntry, AuditFilter, SignInDay, SignInEntry, SignInFilter } from './audit-log.types.js';

/** The tables the event SELECTs below read, by their alias. */
const EVENT_TABLES = { e: 'audit_events', s: 'sign_in_events' } as const;

/** The largest bigint, the type of event ids. */
const MAX_BIGINT = 2n ** 63n - 1n;

function checkRange(filter: { from?: Date; to?: Date } | undefined): void {
  if (filter?.from && filter.to && filter.from > filter.to) throw badInput('from is later than to.', 'filter.from');
}

/** Conditions over `e` (audit_events) for the actor's tenant and a filter; shared by the query and the CSV export. */
export function auditConditions(q: SqlParams, tenantId: string, filter: AuditFilter | undefined): string[] {
  checkRange(filter);
  const where = [`e.tenant_id = ${q.p(tenantId)}`];
  if (filter?.action) where.push(`e.action = ${q.p(filter.action)}`);
  if (filter?.actionKind) where.push(`e.action = ${q.p(filter.actionKind)}`);
  if (filter?.actorUserId) {
    requireUuids([filter.actorUserId], 'filter.actorUserId');
    where.push(`e.actor_user_id = ${q.p(filter.actorUserId)}`);
  }
  if (filter?.targetUserId) {
    requireUuids([filter.targetUserId], 'filter.targetUserId');
    where.push(`e.target_user_id = ${q.p(filter.targetUserId)}`);
  }
  if (filter?.from) where.push(`e.occurred_at >= ${q.p(filter.from)}`);
  if (filter?.to) where.push(`e.occurred_at < ${q.p(filter.to)}`);
  return where;
}

/** Conditions over `s` (sign_in_events) for the actor's tenant and a filter. */
export function signInConditions(q: SqlParams, tenantId: string, filter: SignInFilter | undefined): string[] {
  checkRange(filter);
  const where = [`s.tenant_id = ${q.p(tenantId)}`];
  if (filter?.userId) {
    requireUuids([filter.userId], 'filter.userId');
    where.push(`s.user_id = ${q.p(filter.userId)}`);
  }
  if (filter?.appPasswordId) {
    requireUuids([filter.appPasswordId], 'filter.appPasswordId');
    where.push(`s.app_password_id = ${q.p(filter.appPasswordId)}`);
  }
  if (filter?.outcome) where.push(`s.outcome = ${q.p(filter.outcome)}`);
  if (filter?.method) where.push(`s.method = ${q.p(filter.method)}`);
  if (filter?.service !== undefined && filter.service !== null) {
    const parsed = parseServiceKey(filter.service, 'filter.service');
    if (isProblem(parsed)) throw badInput(parsed.problem, parsed.field);
    where.push(`s.service = ${q.p(parsed.key)}`);
  }
  if (filter?.from) where.push(`s.occurred_at >= ${q.p(filter.from)}`);
  if (filter?.to) where.push(`s.occurred_at < ${q.p(filter.to)}`);
  return where;
}

export const AUDIT_SELECT = `
  SELECT e.id::text AS id, e.occurred_at AS "occurredAt", e.occurred_at::text AS "sortKey", e.action, e.action AS "actionKind", e.actor_type AS "actorType", e.actor_type AS "actorKind", e.actor_user_id AS "actorUserId",
         actor.email AS "actorEmail", e.actor_api_token_id AS "actorApiTokenId", token.name AS "actorApiTokenName",
         token.scopes AS "actorApiTokenScopes", e.target_user_id AS "targetUserId",
         target.email AS "targetEmail", e.app_password_id AS "appPasswordId", e.app_password_name AS "appPasswordName",
         host(e.client_ip) AS "clientIp", e.user_agent AS "userAgent", e.details::text AS details, e.details AS "detailsObject"
    FROM audit_events e
    LEFT JOIN users actor ON actor.id = e.actor_user_id
    LEFT JOIN api_tokens token ON token.id = e.actor_api_token_id
    LEFT JOIN users target ON target.id = e.target_user_id`;

/** A sign-in entry's columns over `s` (sign_in_events) and `ap` (its app password, if still there). */
export const SIGN_IN_COLUMNS = `s.id::text AS id, s.occurred_at AS "occurredAt", s.occurred_at::text AS "sortKey", s.outcome, s.method,
         s.sign_in_name AS "signInName", s.user_id AS "userId", s.app_password_id AS "appPasswordId", ap.name AS "appPasswordName",
         host(s.client_ip) AS "clientIp", s.user_agent AS "userAgent", s.attempts, s.service`;

export const SIGN_IN_SELECT = `
  SELECT ${SIGN_IN_COLUMNS}
    FROM sign_in_events s
    LEFT JOIN app_passwords ap ON ap.id = s.app_password_id AND ap.tenant_id = s.tenant_id`;

export class AuditLogService {
  constructor(private readonly db: DataSource) {}

  async auditEvents(reader: TenantReader, actor: Actor, filter: AuditFilter | undefined, page: PageArgs = {}): Promise<Page<AuditEntry>> {
    return this.newestFirst<AuditEntry & { sortKey: string }>(
      reader,
      actor.tenantId,
      AUDIT_SELECT,
      'e',
      (q) => auditConditions(q, actor.tenantId, filter),
      page,
    );
  }

  async signInEvents(
    reader: TenantReader,
    actor: Actor,
    filter: SignInFilter | undefined,
    page: PageArgs = {},
  ): Promise<Page<SignInEntry>> {
    return this.signInPage(reader, actor.tenantId, filter, page);
  }

  /**
   * What was done to a user's account, newest first: the audit events that
   * concern them (their app passwords created, limited, used from a new
   * network, revoked by an admin; their two-step changes …), whoever did it.
   * Over Basic an app sees only its own app password's events.
   */
  async viewerActivity(
    reader: TenantReader,
    actor: UserActor,
    actionKind: AuditFilter['actionKind'] | undefined,
    page: PageArgs = {},
  ): Promise<Page<AuditEntry>> {
    return this.newestFirst<AuditEntry & { sortKey: string }>(
      reader,
      actor.tenantId,
      AUDIT_SELECT,
      'e',
      (q) => [
        ...auditConditions(q, actor.tenantId, { targetUserId: actor.userId, actionKind }),
        ...(actor.signedInWith === 'app_password' ? [`e.app_password_id = ${q.p(actor.appPasswordId)}`] : []),
      ],
      page,
    );
  }

  /**
   * A user's own sign-ins, newest first: their console sign-ins and every
   * check of their app passwords, failures and throttling included, so they
   * can see someone trying. Over Basic an app sees only its own checks.
   */
  async viewerSignIns(reader: TenantReader, actor: UserActor, page: PageArgs = {}): Promise<Page<SignInEntry>> {
    const filter = { userId: actor.userId, ...(actor.signedInWith === 'app_password' ? { appPasswordId: actor.appPasswordId } : {}) };
    return this.signInPage(reader, actor.tenantId, filter, page);
  }

  private async signInPage(
    reader: TenantReader,
    tenantId: string,
    filter: SignInFilter | undefined,
    page: PageArgs,
  ): Promise<Page<SignInEntry>> {
    return this.newestFirst<SignInEntry & { sortKey: string }>(
      reader,
      tenantId,
      SIGN_IN_SELECT,
      's',
      (q) => signInConditions(q, tenantId, filter),
      page,
    );
  }

  /**
   * A keyset page of events (`alias` over audit_events or sign_in_events),
   * newest first, read forward (first/after) or backward (last/before, which
   * reads oldest first and turns the rows round). Ties on occurred_at are
   * broken by id, in the cursor as in ORDER BY, so no event is skipped or
   * repeated at a page boundary. The cursor keeps PostgreSQL's microseconds:
   * events of the same millisecond are not skipped either.
   */
  private async newestFirst<T extends { id: string; sortKey: string }>(
    reader: TenantReader,
    tenantId: string,
    select: string,
    alias: 'e' | 's',
    conditions: (q: SqlParams) => string[],
    { first, after, last, before }: PageArgs,
  ): Promise<Page<T>> {
    const backward = last !== null && last !== undefined;
    const size = backward ? pageSize(last, 'last') : pageSize(first);
    const afterCursor = this.cursor(after, 'after');
    const beforeCursor = this.cursor(before, 'before');
    const key = `(${alias}.occurred_at, ${alias}.id)`;
    const at = (q: SqlParams, c: { key: string | null; id: string }) => `(${q.p(c.key)}::timestamptz, ${q.p(c.id)}::bigint)`;

    const q = new SqlParams();
    const where = conditions(q);
    // Newest first: after a cursor is older, before it is newer.
    if (afterCursor) where.push(`${key} < ${at(q, afterCursor)}`);
    if (beforeCursor) where.push(`${key} > ${at(q, beforeCursor)}`);
    const order = backward ? 'ASC' : 'DESC';
    const sql = `${select} WHERE ${where.join(' AND ')} ORDER BY ${alias}.occurred_at ${order}, ${alias}.id ${order} LIMIT ${q.p(size + 1)}`;

    // Whether anything lies on the far side of the cursor the page starts from: the cursor's own event and those beyond it.
    const from = backward ? beforeCursor : afterCursor;
    let beyondSql: { text: string; values: unknown[] } | undefined;
    if (from) {
      const b = new SqlParams();
      const beyondWhere = conditions(b);
      beyondWhere.push(`${key} ${backward ? '<=' : '>='} ${at(b, from)}`);
      beyondSql = {
        text: `SELECT EXISTS (SELECT 1 FROM ${EVENT_TABLES[alias]} ${alias} WHERE ${beyondWhere.join(' AND ')}) AS beyond`,
        values: b.values,
      };
    }
    const [rows, beyond] = await reader.read(tenantId, async (m) => {
      const found: T[] = await m.query(sql, q.values);
      const [{ beyond = false } = {}] = beyondSql ? await m.query(beyondSql.text, beyondSql.values) : [];
      return [found, beyond as boolean] as const;
    });
    return toPage(rows, size, (r) => encodeCursor(r.sortKey, r.id), { backward, beyond });
  }

  /**
   * Sign-in attempts per day for the last `days` days (today included), in
   * the admin's time zone, with empty days as zeros: what the overview draws;
   * for one service when given.
   */
  async signInActivity(reader: TenantReader, actor: Actor, days: number, timeZone: string, service?: string | null): Promise<SignInDay[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days must be from 1 to 366.', 'days');
    if (!isTimeZone(timeZone)) throw badInput('timeZone must be an IANA time zone such as Europe/Amsterdam.', 'timeZone');
    const key = service === undefined || service === null ? null : parseServiceKey(service, 'service');
    if (key && isProblem(key)) throw badInput(key.problem, key.field);
    return reader.read(actor.tenantId, (m) =>
      m.query(
        `WITH bounds AS (
         SELECT date_trunc('day', now() AT TIME ZONE $3) - make_interval(days => $2 - 1) AS first_day
       ), counted AS (
         SELECT date_trunc('day', s.occurred_at AT TIME ZONE $3) AS day,
                sum(s.attempts) FILTER (WHERE s.outcome = 'SUCCESS') AS succeeded,
                sum(s.attempts) FILTER (WHERE s.outcome <> 'SUCCESS') AS failed
           FROM sign_in_events s, bounds
          WHERE s.tenant_id = $1 AND s.method = 'APP_PASSWORD' AND s.occurred_at >= (bounds.first_day AT TIME ZONE $3)
            AND ($4::text IS NULL OR s.service = $4)
          GROUP BY 1
       )
       SELECT to_char(d.day, 'YYYY-MM-DD') AS date, coalesce(c.succeeded, 0)::int AS succeeded, coalesce(c.failed, 0)::int AS failed
         FROM bounds, generate_series(bounds.first_day, bounds.first_day + make_interval(days => $2 - 1), interval '1 day') AS d(day)
         LEFT JOIN counted c ON c.day = d.day
        ORDER BY d.day`,
        [actor.tenantId, days, timeZone, key?.key ?? null],
      ),
    );
  }

  private cursor(text: string | null | undefined, argument: 'after' | 'before') {
    const cursor = decodeCursor(text, 'timestamp', argument);
    // Event ids are bigint: 19 digits may still be past its largest value, which PostgreSQL refuses.
    if (cursor && (cursor.key === null || !/^\d{1,19}$/.test(cursor.id) || BigInt(cursor.id) > MAX_BIGINT)) {
      throw badInput('The cursor is not valid; start again from the first page.', argument);
    }
    return cursor;
  }

  /**
   * Deletes audit events older than each tenant's retention: the only way
   * they ever go. The server's role may not delete them at all; the database
   * function that does runs as the owner, past the append-only trigger.
   */
  async applyRetention(): Promise<number> {
    const [{ removed }] = await this.db.query('SELECT apply_audit_retention() AS removed');
    return removed;
  }
}

/** A time zone both Node and PostgreSQL know by this name (IANA names; no POSIX strings such as "UTC+3"). */
function isTimeZone(name: string): boolean {
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
