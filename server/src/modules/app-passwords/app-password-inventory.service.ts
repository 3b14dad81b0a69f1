import type { DataSource } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import type { Actor, RequestInfo, TenantReader } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { decodeCursor, encodeCursor, pageSize, requireUuids, toPage } from '../../common/pagination.js';
import { likeContains, SqlParams } from '../../common/sql.js';
import { auditActorOf } from '../audit/audit.service.js';
import {
  APP_PASSWORD_COLUMNS,
  AppPassword,
  appPasswordFromRow,
  appPasswordScopeColumns,
  type AppPasswordRow,
} from './app-password.entity.js';
import { isProblem, parseServiceKey, USAGE_WINDOW_DAYS } from '../services/service-catalog.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { deleteAppPasswords } from './app-password-revocation.js';
import {
  AppPasswordOrderField,
  OrderDirection,
  type AppPasswordConnection,
  type AppPasswordFilter,
  type AppPasswordOrder,
  type AppPasswordOwner,
  type LimitAppPasswordsToUsedServicesInput,
  type RevokeAppPasswordsInput,
} from './app-password-inventory.types.js';

/** Exact counts up to this many rows; above it, the planner's estimate (cheap at any size). */
export const EXACT_COUNT_LIMIT = 10_000;

/** The sort keys, as indexed: never-used sorts as -infinity so the keyset never meets NULL. */
const SORT_SQL: Record<AppPasswordOrderField, string> = {
  CREATED_AT: 'ap.created_at',
  LAST_USED_AT: `coalesce(ap.last_used_at, '-infinity'::timestamptz)`,
};

type Row = AppPasswordRow & {
  sort_key: string;
  owner_email: string;
  owner_display_name: string;
};

/** What `ap` may be used for (its services that its tenant allows), for conditions that have no `tp` at hand. */
const EFFECTIVE_SERVICES = `ARRAY(SELECT s FROM unnest(coalesce(ap.services, tpa.allowed_services)) s WHERE s = ANY(tpa.allowed_services))`;
const WITH_ALLOWED = (expression: string) => `(SELECT ${expression} FROM tenant_policies tpa WHERE tpa.tenant_id = ap.tenant_id)`;

/** The services `ap` was used for lately, of those it may be used for. */
const USED_SERVICES = `ARRAY(SELECT s FROM unnest(${EFFECTIVE_SERVICES}) s WHERE EXISTS (
    SELECT 1 FROM app_password_service_uses su
     WHERE su.app_password_id = ap.id AND su.service = s AND su.last_used_at > now() - interval '${USAGE_WINDOW_DAYS} days'))`;

/** Old enough to tell, used, and for fewer services than it allows (service-catalog.ts's suggestedServices, in SQL). */
const ALLOWS_MORE_THAN_USED = `(ap.created_at <= now() - interval '${USAGE_WINDOW_DAYS} days' AND ${WITH_ALLOWED(
  `cardinality(${USED_SERVICES}) BETWEEN 1 AND cardinality(${EFFECTIVE_SERVICES}) - 1`,
)})`;

/** SQL conditions over `ap` for a filter; throws BAD_USER_INPUT for contradictions. */
export function filterConditions(q: SqlParams, filter: AppPasswordFilter | undefined): string[] {
  if (!filter) return [];
  const conditions: string[] = [];
  if (filter.createdAfter && filter.createdBefore && filter.createdAfter > filter.createdBefore) {
    throw badInput('createdAfter is later than createdBefore.', 'filter.createdAfter');
  }
  if (filter.ownerIds) {
    requireUuids(filter.ownerIds, 'filter.ownerIds');
    conditions.push(`ap.user_id = ANY(${q.p(filter.ownerIds)}::uuid[])`);
  }
  if (filter.nameContains?.trim()) conditions.push(`ap.name ILIKE ${q.p(likeContains(filter.nameContains.trim()))}`);
  if (filter.createdAfter) conditions.push(`ap.created_at >= ${q.p(filter.createdAfter)}`);
  if (filter.createdBefore) conditions.push(`ap.created_at < ${q.p(filter.createdBefore)}`);
  if (filter.lastUsedBefore) {
    // Written as the indexed expression, so "not used for 90 days" is an index range scan.
    conditions.push(`${SORT_SQL.LAST_USED_AT} < ${q.p(filter.lastUsedBefore)}`);
    if (filter.includeNeverUsed === false) conditions.push('ap.last_used_at IS NOT NULL');
  }
  if (filter.neverUsed === true) conditions.push('ap.last_used_at IS NULL');
  if (filter.neverUsed === false) conditions.push('ap.last_used_at IS NOT NULL');
  if (filter.expiresBefore) conditions.push(`ap.expires_at < ${q.p(filter.expiresBefore)}`);
  if (filter.service !== undefined && filter.service !== null) {
    const parsed = parseServiceKey(filter.service, 'filter.service');
    if (isProblem(parsed)) throw badInput(parsed.problem, parsed.field);
    conditions.push(WITH_ALLOWED(`${q.p(parsed.key)} = ANY(${EFFECTIVE_SERVICES})`));
  }
  if (filter.allowsMoreThanUsed === true) conditions.push(ALLOWS_MORE_THAN_USED);
  if (filter.allowsMoreThanUsed === false) conditions.push(`NOT ${ALLOWS_MORE_THAN_USED}`);
  return conditions;
}

export class AppPasswordInventoryService {
  constructor(private readonly db: DataSource) {}

  /** Every app password of the actor's tenant, filtered and ordered, a keyset page at a time. */
  async list(
    reader: TenantReader,
    actor: Actor,
    filter: AppPasswordFilter | undefined,
    orderBy: AppPasswordOrder | undefined,
    first: number | undefined,
    after: string | undefined,
  ): Promise<AppPasswordConnection> {
    const size = pageSize(first);
    const field = orderBy?.field ?? AppPasswordOrderField.CREATED_AT;
    const direction = orderBy?.direction ?? OrderDirection.DESC;
    const cursor = decodeCursor(after, 'timestamp');
    const q = new SqlParams();
    const where = [`ap.tenant_id = ${q.p(actor.tenantId)}`, ...filterConditions(q, filter)];
    const countWhere = [...where];
    const countValues = [...q.values];
    if (cursor) {
      requireUuids([cursor.id], 'after');
      if (cursor.key === null) throw badInput('The cursor is not valid; start again from the first page.', 'after');
      const op = direction === OrderDirection.ASC ? '>' : '<';
      where.push(`(${SORT_SQL[field]}, ap.id) ${op} (${q.p(cursor.key)}::timestamptz, ${q.p(cursor.id)}::uuid)`);
    }
    const rows: Row[] = await reader.read(actor.tenantId, (m) =>
      m.query(
        `SELECT ${APP_PASSWORD_COLUMNS}, ${appPasswordScopeColumns()},
              ${SORT_SQL[field]}::text AS sort_key, u.email AS owner_email, u.display_name AS owner_display_name
         FROM app_passwords ap
         JOIN tenant_policies tp ON tp.tenant_id = ap.tenant_id
         JOIN users u ON u.id = ap.user_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${SORT_SQL[field]} ${direction}, ap.id ${direction}
        LIMIT ${q.p(size + 1)}`,
        q.values,
      ),
    );
    const page = toPage(rows.map(toNode), size, (node) => encodeCursor(node.sortKey, node.id));
    let counted: Promise<{ value: number; estimate: boolean }> | undefined;
    return {
      edges: page.edges,
      pageInfo: page.pageInfo,
      count: () => (counted ??= this.count(reader, actor.tenantId, countWhere.join(' AND '), countValues)),
    };
  }

  private count(reader: TenantReader, tenantId: string, where: string, values: unknown[]): Promise<{ value: number; estimate: boolean }> {
    const from = `FROM app_passwords ap WHERE ${where}`;
    return reader.read(tenantId, async (m) => {
      const [{ count }] = await m.query(
        `SELECT count(*)::int AS count FROM (SELECT 1 ${from} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS capped`,
        values,
      );
      if (count <= EXACT_COUNT_LIMIT) return { value: count, estimate: false };
      const [plan] = await m.query(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, values);
      const rows = Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows']);
      return { value: Math.max(rows, EXACT_COUNT_LIMIT + 1), estimate: true };
    });
  }

  /**
   * Revokes app passwords of the actor's tenant: listed ids (all must exist
   * here, else NOT_FOUND and nothing changes), all of some users, or all
   * matching a filter. One transaction; each gets an audit event with the
   * actor and reason. `dryRun` only counts.
   */
  async revoke(actor: Actor, input: RevokeAppPasswordsInput, request: RequestInfo): Promise<{ count: number; dryRun: boolean }> {
    const modes = [input.ids, input.userIds, input.filter].filter((m) => m !== undefined && m !== null);
    if (modes.length !== 1) throw badInput('Give exactly one of ids, userIds or filter.', 'input');
    const reason = input.reason.trim();
    if (!reason) throw badInput('Give a reason.', 'reason');
    const dryRun = input.dryRun === true;

    return withTenant(this.db, actor.tenantId, async (m) => {
      const q = new SqlParams();
      let condition: string;
      let expected: number | undefined;
      if (input.ids) {
        requireUuids(input.ids, 'ids');
        const ids = [...new Set(input.ids.map((id) => id.toLowerCase()))];
        if (ids.length === 0) throw badInput('ids is empty.', 'ids');
        condition = `ap.id = ANY(${q.p(ids)}::uuid[])`;
        expected = ids.length;
      } else if (input.userIds) {
        requireUuids(input.userIds, 'userIds');
        const userIds = [...new Set(input.userIds.map((id) => id.toLowerCase()))];
        if (userIds.length === 0) throw badInput('userIds is empty.', 'userIds');
        const [{ found }] = await m.query('SELECT count(*)::int AS found FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [
          actor.tenantId,
          userIds,
        ]);
        if (found !== userIds.length) throw notFound('User');
        condition = `ap.user_id = ANY(${q.p(userIds)}::uuid[])`;
      } else {
        const conditions = filterConditions(q, input.filter);
        condition = conditions.length > 0 ? conditions.join(' AND ') : 'true';
      }

      if (dryRun) {
        const [{ count }] = await m.query(
          `SELECT count(*)::int AS count FROM app_passwords ap WHERE ap.tenant_id = ${q.p(actor.tenantId)} AND (${condition})`,
          q.values,
        );
        if (expected !== undefined && count !== expected) throw notFound('App password');
        return { count, dryRun };
      }
      const count = await deleteAppPasswords(m, q, {
        tenantId: actor.tenantId,
        where: condition,
        actor: auditActorOf(actor),
        reason,
        request,
      });
      if (expected !== undefined && count !== expected) throw notFound('App password'); // rolls everything back
      return { count, dryRun };
    });
  }

  /**
   * Narrows app passwords of the actor's tenant to the services they were
   * used for in the last 30 days, where that is fewer than they allow (see
   * ALLOWS_MORE_THAN_USED): by id (all must exist here) or by filter. One
   * statement, one audit event each with before and after, all or nothing.
   * `dryRun` only counts.
   */
  async limitToUsedServices(
    actor: Actor,
    input: LimitAppPasswordsToUsedServicesInput,
    request: RequestInfo,
  ): Promise<{ count: number; dryRun: boolean }> {
    if ([input.ids, input.filter].filter((m) => m !== undefined && m !== null).length !== 1) {
      throw badInput('Give exactly one of ids or filter.', 'input');
    }
    const dryRun = input.dryRun === true;
    return withTenant(this.db, actor.tenantId, async (m) => {
      const q = new SqlParams();
      const tenant = q.p(actor.tenantId);
      let condition: string;
      if (input.ids) {
        requireUuids(input.ids, 'ids');
        const ids = [...new Set(input.ids.map((id) => id.toLowerCase()))];
        if (ids.length === 0) throw badInput('ids is empty.', 'ids');
        const [{ found }] = await m.query(
          'SELECT count(*)::int AS found FROM app_passwords WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
          [actor.tenantId, ids],
        );
        if (found !== ids.length) throw notFound('App password');
        condition = `ap.id = ANY(${q.p(ids)}::uuid[])`;
      } else {
        const conditions = filterConditions(q, input.filter ?? undefined);
        condition = conditions.length > 0 ? conditions.join(' AND ') : 'true';
      }
      const targets = `SELECT ap.id, ap.user_id, ap.name, ${WITH_ALLOWED(EFFECTIVE_SERVICES)} AS before, ${WITH_ALLOWED(USED_SERVICES)} AS after
                         FROM app_passwords ap
                        WHERE ap.tenant_id = ${tenant} AND (${condition}) AND ${ALLOWS_MORE_THAN_USED}`;
      if (dryRun) {
        const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM (${targets}) t`, q.values);
        return { count, dryRun };
      }
      const actorOf = auditActorOf(actor);
      const [{ count }] = await m.query(
        `WITH target AS (${targets} FOR UPDATE OF ap),
         narrowed AS (
           UPDATE app_passwords ap SET services = target.after FROM target WHERE ap.id = target.id RETURNING ap.id
         ), logged AS (
           INSERT INTO audit_events (tenant_id, action, actor_type, actor_user_id, actor_api_token_id, target_user_id,
                                     app_password_id, app_password_name, client_ip, user_agent, details)
           SELECT ${tenant}, ${q.p(AuditAction.APP_PASSWORD_SERVICES_LIMITED)}, ${q.p(actorOf.type)}, ${q.p(actorOf.userId ?? null)}::uuid,
                  ${q.p(actorOf.apiTokenId ?? null)}::uuid, target.user_id, target.id, target.name,
                  ${q.p(request.clientIp)}::inet, ${q.p(request.userAgent)}, jsonb_build_object('before', target.before, 'after', target.after)
             FROM target JOIN narrowed ON narrowed.id = target.id
           RETURNING 1
         )
         SELECT count(*)::int AS count FROM logged`,
        q.values,
      );
      return { count, dryRun };
    });
  }
}

function toNode(row: Row): AppPassword & { owner: AppPasswordOwner; sortKey: string } {
  return Object.assign(appPasswordFromRow(row), {
    owner: { id: row.user_id, email: row.owner_email, displayName: row.owner_display_name },
    sortKey: row.sort_key,
  });
}
