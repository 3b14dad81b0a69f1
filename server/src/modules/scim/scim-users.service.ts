import type { DataSource, EntityManager } from 'typeorm';
import type { RequestInfo, TokenActor } from '../../common/context.js';
import { isUuid } from '../../common/pagination.js';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { auditActorOf } from '../audit/audit.service.js';
import type { RevokeUserAppPasswords } from '../two-step/two-step-removal.js';
import { UserLifecycleService, type UpdateUser } from '../users/user-lifecycle.service.js';
import { Role } from '../users/user.entity.js';
import { setDirectoryProfile } from '../users/user-profile.js';
import type { UserCondition } from './scim-filter.js';
import { applyPatch } from './scim-patch.js';
import { displayNameOf, fieldsOfRow, type ScimUserFields, type ScimUserRow } from './scim-user.js';
import { scimNotFound } from './scim.errors.js';

const ROW_COLUMNS = `u.id, u.email, u.display_name AS "displayName", u.given_name AS "givenName", u.family_name AS "familyName",
  u.external_id AS "externalId", u.work_email AS "workEmail", u.status = 'ACTIVE' AS active,
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

/**
 * Users as an identity provider sees them over SCIM, in the token's tenant
 * only (another tenant's id is simply not found). Creating, renaming,
 * disabling and deleting go through the users module's lifecycle service,
 * inside this module's one transaction per request, so the SCIM-only
 * attributes (name parts, work address) are written with them or not at all.
 * Every write is audited with the SCIM token as the actor.
 */
export class ScimUserService {
  constructor(
    private readonly db: DataSource,
    private readonly revokeAppPasswords: RevokeUserAppPasswords,
  ) {}

  /** The lifecycle service working in `m`'s transaction (its own transactions become savepoints of it). */
  private lifecycle(m: EntityManager): UserLifecycleService {
    return new UserLifecycleService(m, this.revokeAppPasswords);
  }

  private async read(m: EntityManager, tenantId: string, id: string): Promise<ScimUserRow> {
    if (!isUuid(id)) throw scimNotFound();
    const [row]: ScimUserRow[] = await m.query(`SELECT ${ROW_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, id]);
    if (!row) throw scimNotFound();
    return row;
  }

  get(actor: TokenActor, id: string): Promise<ScimUserRow> {
    return withTenant(this.db, actor.tenantId, (m) => this.read(m, actor.tenantId, id));
  }

  /** One page of the tenant's users matching every condition, by sign-in name; `startIndex` is 1-based. */
  list(actor: TokenActor, conditions: UserCondition[], startIndex: number, count: number): Promise<{ total: number; rows: ScimUserRow[] }> {
    const q = new SqlParams();
    const where = [`u.tenant_id = ${q.p(actor.tenantId)}`];
    for (const { field, value } of conditions) {
      if (field === 'userName') where.push(`lower(u.email) = lower(${q.p(value)})`);
      else if (field === 'externalId') where.push(`u.external_id = ${q.p(value)}`);
      else if (field === 'email') where.push(`lower(coalesce(u.work_email, u.email)) = lower(${q.p(value)})`);
      else where.push(isUuid(value) ? `u.id = ${q.p(value)}::uuid` : 'false');
    }
    return withTenant(this.db, actor.tenantId, async (m) => {
      const [{ total }]: [{ total: number }] = await m.query(
        `SELECT count(*)::int AS total FROM users u WHERE ${where.join(' AND ')}`,
        q.values,
      );
      if (count === 0 || total < startIndex) return { total, rows: [] };
      const rows: ScimUserRow[] = await m.query(
        `SELECT ${ROW_COLUMNS} FROM users u WHERE ${where.join(' AND ')}
          ORDER BY lower(u.email), u.id OFFSET ${q.p(startIndex - 1)} LIMIT ${q.p(count)}`,
        q.values,
      );
      return { total, rows };
    });
  }

  /** A new user: role USER, no password (single sign-on only), source `scim`; disabled at once when `active` is false. */
  create(actor: TokenActor, fields: ScimUserFields, request: RequestInfo): Promise<ScimUserRow> {
    const { tenantId } = actor;
    return withTenant(this.db, tenantId, async (m) => {
      const lifecycle = this.lifecycle(m);
      const { user } = await lifecycle.createUser(tenantId, auditActorOf(actor), {
        email: fields.userName,
        displayName: displayNameOf(fields),
        role: Role.USER,
        password: 'none',
        externalId: fields.externalId,
        source: 'scim',
        request,
      });
      await this.writeProfile(m, actor, user.id, fields, request, false);
      if (!fields.active) await lifecycle.updateUser(tenantId, auditActorOf(actor), user.id, { active: false }, request);
      return this.read(m, tenantId, user.id);
    });
  }

  /** PUT: the user becomes what the body says; what it leaves out is cleared (RFC 7644 §3.5.1). */
  replace(actor: TokenActor, id: string, fields: ScimUserFields, request: RequestInfo): Promise<ScimUserRow> {
    return this.change(actor, id, request, () => fields);
  }

  /** PATCH: the operations applied to the user as they are now. */
  patch(actor: TokenActor, id: string, body: unknown, request: RequestInfo): Promise<ScimUserRow> {
    return this.change(actor, id, request, (current) => applyPatch(current, body));
  }

  /** Deletes the user: their app passwords are revoked and their sessions end in the same transaction. */
  async delete(actor: TokenActor, id: string, request: RequestInfo): Promise<void> {
    if (!isUuid(id)) throw scimNotFound();
    await withTenant(this.db, actor.tenantId, (m) => this.lifecycle(m).deleteUser(actor.tenantId, auditActorOf(actor), id, request));
  }

  private change(
    actor: TokenActor,
    id: string,
    request: RequestInfo,
    next: (current: ScimUserFields) => ScimUserFields,
  ): Promise<ScimUserRow> {
    const { tenantId } = actor;
    return withTenant(this.db, tenantId, async (m) => {
      // Not locked here: the lifecycle service locks the user (after the admins, when it may disable one) in its own order.
      const row = await this.read(m, tenantId, id);
      const current = fieldsOfRow(row);
      const wanted = next(current);
      const displayName = displayNameOf(wanted);
      const changes: UpdateUser = {};
      if (wanted.userName !== row.email) changes.email = wanted.userName;
      if (displayName !== row.displayName) changes.displayName = displayName;
      if (wanted.externalId !== row.externalId) changes.externalId = wanted.externalId;
      if (wanted.active !== row.active) changes.active = wanted.active;
      if (Object.keys(changes).length > 0)
        await this.lifecycle(m).updateUser(tenantId, auditActorOf(actor), id, { ...changes, byProvisioning: true }, request);
      await this.writeProfile(m, actor, id, wanted, request, true);
      return this.read(m, tenantId, id);
    });
  }

  /** The name parts and work address, through the users module (audited as `user.updated` when they change an existing user). */
  private async writeProfile(
    m: EntityManager,
    actor: TokenActor,
    userId: string,
    fields: ScimUserFields,
    request: RequestInfo,
    audit: boolean,
  ) {
    const { givenName, familyName, workEmail } = fields;
    const profile = { givenName, familyName, workEmail };
    await setDirectoryProfile(m, { tenantId: actor.tenantId, userId, profile, actor: auditActorOf(actor), request, audit });
  }
}
