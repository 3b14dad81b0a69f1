import type { DataSource } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import type { Actor, RequestInfo, TenantReader } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { decodeCursor, encodeCursor, isUuid, pageSize, toPage, type Page } from '../../common/pagination.js';
import { likeContains, SqlParams } from '../../common/sql.js';
import { auditActorOf } from '../audit/audit.service.js';
import { changeStatus, lockUserForChange } from './user-changes.js';
import { UserStatus } from './user.entity.js';
import type { User } from './tenant-user.type.js';

export class UserAdminService {
  constructor(private readonly db: DataSource) {}

  /** The tenant's users by sign-in name, a keyset page at a time, with their app-password count, last use and two-step state. */
  async list(
    reader: TenantReader,
    actor: Actor,
    filter: { search?: string; startsWith?: string } = {},
    first?: number,
    after?: string,
  ): Promise<Page<User>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 'text');
    const q = new SqlParams();
    const where = [`u.tenant_id = ${q.p(actor.tenantId)}`];
    const search = filter.search?.trim();
    if (search) where.push(`(u.email ILIKE ${q.p(likeContains(search))} OR u.display_name ILIKE ${q.p(likeContains(search))})`);
    const prefix = filter.startsWith?.trim().toLowerCase();
    if (prefix) {
      // starts_with on the stored lower-case keys: leakproof, so the indexes serve it under row-level security.
      const p = q.p(prefix);
      where.push(`(u.email_key ^@ ${p} OR u.display_name_key ^@ ${p})`);
    }
    if (cursor) {
      if (!isUuid(cursor.id)) throw badInput('The cursor is not valid; start again from the first page.', 'after');
      // Not a row comparison (record_gt is not leakproof): the index serves the first condition, the second settles ties.
      const key = q.p(cursor.key);
      where.push(`u.email_key >= ${key} AND (u.email_key > ${key} OR u.id > ${q.p(cursor.id)}::uuid)`);
    }
    const rows = await this.select(reader, actor.tenantId, q, where, `ORDER BY u.email_key, u.id LIMIT ${q.p(size + 1)}`);
    return toPage(rows, size, (r) => encodeCursor(r.sortKey, r.id));
  }

  /** One user of the actor's tenant, in the same shape as the list. */
  async get(reader: TenantReader, actor: Actor, userId: string): Promise<User> {
    if (!isUuid(userId)) throw badInput('That is not a valid user id.', 'id');
    const q = new SqlParams();
    const [user] = await this.select(reader, actor.tenantId, q, [`u.tenant_id = ${q.p(actor.tenantId)}`, `u.id = ${q.p(userId)}`], '');
    if (!user) throw notFound('User');
    return user;
  }

  private select(
    reader: TenantReader,
    tenantId: string,
    q: SqlParams,
    where: string[],
    tail: string,
  ): Promise<Array<User & { sortKey: string }>> {
    return reader.read(tenantId, (m) =>
      m.query(
        `SELECT u.id, u.email, u.display_name AS "displayName", u.role, u.status, u.created_at AS "createdAt",
              u.email_key AS "sortKey", stats.count AS "appPasswordCount", stats.last_used AS "lastAppPasswordUse",
              EXISTS (SELECT 1 FROM totp_authenticators t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS "twoStepEnabled",
              upper(u.source) AS origin, u.password_hash IS NOT NULL AS "hasPassword",
              u.must_change_password AS "mustChangePassword", u.last_sign_in_at AS "lastSignInAt"
         FROM users u
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS count, max(a.last_used_at) AS last_used FROM app_passwords a WHERE a.user_id = u.id
         ) stats
        WHERE ${where.join(' AND ')}
        ${tail}`,
        q.values,
      ),
    );
  }

  /**
   * Disables or enables a user of the actor's tenant (see changeStatus):
   * their sessions end at once, their app passwords are refused from the next
   * request. Nobody disables themselves or the last active admin.
   */
  async setStatus(actor: Actor, userId: string, status: UserStatus, request: RequestInfo): Promise<string> {
    if (!isUuid(userId)) throw badInput('That is not a valid user id.', 'id');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const { user, activeAdmins } = await lockUserForChange(m, actor.tenantId, userId, status === UserStatus.DISABLED);
      await changeStatus(m, { user, activeAdmins, status, actor: auditActorOf(actor), request });
      return userId;
    });
  }
}
