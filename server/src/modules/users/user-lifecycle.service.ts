import type { DataSource, EntityManager } from 'typeorm';
import { hashSecret } from '../../common/argon2.js';
import type { RequestInfo } from '../../common/context.js';
import { alreadyExists, badInput, isUniqueViolation, notFound } from '../../common/errors.js';
import { isUuid } from '../../common/pagination.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import type { RevokeUserAppPasswords } from '../two-step/two-step-removal.js';
import { Role, UserStatus } from './user.entity.js';
import {
  changeStatus,
  keepAnActiveAdmin,
  lockUserForChange,
  MANAGED_USER_COLUMNS,
  readUser,
  refuseSelf,
  type ManagedUser,
} from './user-changes.js';
import {
  checkRole,
  checkSource,
  generateInitialPassword,
  normaliseDisplayName,
  normaliseEmail,
  normaliseExternalId,
  renameProblem,
  type UserSource,
} from './user.rules.js';

export type { ManagedUser } from './user-changes.js';

/** Who does it, as the audit trail names them: `{ type: 'user', userId }`, `{ type: 'api_token', apiTokenId }`, the operator. */
export type LifecycleActor = AuditRecord['actor'];

export interface CreateUser {
  email: string;
  /** Empty or absent: the part of the email address before the @. */
  displayName?: string | null;
  role: Role;
  /** `generate`: a one-time password, returned once, to be changed at the first sign-in; `none`: single sign-on only. */
  password: 'generate' | 'none';
  externalId?: string | null;
  source?: UserSource;
  request?: RequestInfo | null;
}

export interface UpdateUser {
  /** A new sign-in name; app passwords keep working with it (and no longer with the old one). */
  email?: string;
  displayName?: string;
  /** null or empty clears it. */
  externalId?: string | null;
  /** false disables (sessions end, app passwords refused at once), true enables. */
  active?: boolean;
  /** The identity provider's provisioning (SCIM) makes the change: it alone renames the users it provisioned. */
  byProvisioning?: boolean;
}

export interface DeletedUser {
  user: ManagedUser;
  /** Their app passwords that went with them. */
  revokedAppPasswords: number;
  /** Their console sessions (and pending sign-ins) that ended. */
  signedOutSessions: number;
}

const EMAIL_IN_USE = 'That sign-in name is already in use.';
const EXTERNAL_ID_IN_USE = 'Another user of this organisation has that external id.';

/** The unique names a write may collide with, as errors with a stable code. */
function uniqueNameTaken(error: unknown): unknown {
  if (isUniqueViolation(error, 'users_email_lower_key')) return alreadyExists(EMAIL_IN_USE, 'email');
  if (isUniqueViolation(error, 'users_tenant_id_external_id_key')) return alreadyExists(EXTERNAL_ID_IN_USE, 'externalId');
  return error;
}

function checkUserId(userId: string): void {
  if (!isUuid(userId)) throw badInput('That is not a valid user id.', 'id');
}

/**
 * A user's life as the tenant's admins (console) and its identity provider
 * (SCIM) manage it: create, change role, rename, disable, delete. Each method
 * runs in one tenant-scoped transaction with its audit events; the actor is
 * whoever the caller says (a user, an API token, the operator). The tenant
 * always keeps an active admin.
 */
export class UserLifecycleService {
  constructor(
    /** A data source, or a caller's transaction (SCIM writes its own columns in it): each method's transaction is then a savepoint of it. */
    private readonly db: DataSource | EntityManager,
    /** The one way app passwords are deleted (app-passwords provides it). */
    private readonly revokeAppPasswords: RevokeUserAppPasswords,
  ) {}

  async createUser(tenantId: string, actor: LifecycleActor, input: CreateUser): Promise<{ user: ManagedUser; initialPassword?: string }> {
    const email = normaliseEmail(input.email);
    const displayName = normaliseDisplayName(input.displayName?.trim() ? input.displayName : (email.split('@')[0] ?? email));
    const role = checkRole(input.role);
    const externalId = normaliseExternalId(input.externalId);
    const source = checkSource(input.source ?? 'local');
    if (input.password !== 'generate' && input.password !== 'none') throw badInput('A password is "generate" or "none".', 'password');
    const initialPassword = input.password === 'generate' ? generateInitialPassword() : undefined;
    const passwordHash = initialPassword ? await hashSecret(initialPassword) : null;

    const user = await withTenant(this.db, tenantId, async (m) => {
      const [created]: ManagedUser[] = await m
        .query(
          `WITH created AS (
             INSERT INTO users (tenant_id, email, display_name, role, password_hash, must_change_password, external_id, source)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
           SELECT ${MANAGED_USER_COLUMNS} FROM created u`,
          [tenantId, email, displayName, role, passwordHash, initialPassword !== undefined, externalId, source],
        )
        .catch((error: unknown) => {
          throw uniqueNameTaken(error);
        });
      await recordAudit(m, {
        tenantId,
        action: AuditAction.USER_CREATED,
        actor,
        targetUserId: created!.id,
        request: input.request ?? null,
        details: { email, displayName, role, source, password: input.password === 'generate' ? 'generated' : 'none' },
      });
      return created!;
    });
    return initialPassword ? { user, initialPassword } : { user };
  }

  /**
   * Deletes a user: their app passwords go first (one `app_password.revoked`
   * each, through the one revocation function), their sessions end, then the
   * user, whose sign-in name and display name stay in the `user.deleted`
   * event. Earlier audit events keep the user's id (they have no foreign key
   * to users). Nobody deletes themselves or the last active admin.
   */
  async deleteUser(tenantId: string, actor: LifecycleActor, userId: string, request: RequestInfo | null = null): Promise<DeletedUser> {
    checkUserId(userId);
    refuseSelf(actor, userId, 'You cannot delete your own account.');
    return withTenant(this.db, tenantId, async (m) => {
      const { user, activeAdmins } = await lockUserForChange(m, tenantId, userId, true);
      keepAnActiveAdmin(user, activeAdmins);
      const revokedAppPasswords = await this.revokeAppPasswords(m, {
        tenantId,
        userId,
        actor,
        reason: 'The user was deleted',
        request,
        action: AuditAction.APP_PASSWORD_REVOKED,
      });
      const [{ count: signedOutSessions }]: [{ count: number }] = await m.query(
        'WITH ended AS (DELETE FROM sessions WHERE user_id = $1 AND tenant_id = $2 RETURNING 1) SELECT count(*)::int AS count FROM ended',
        [userId, tenantId],
      );
      await m.query('DELETE FROM users WHERE id = $1 AND tenant_id = $2', [userId, tenantId]);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.USER_DELETED,
        actor,
        targetUserId: userId,
        request,
        details: { email: user.email, displayName: user.displayName, role: user.role, revokedAppPasswords },
      });
      return { user, revokedAppPasswords, signedOutSessions };
    });
  }

  /** Makes a user an admin or a plain user; the last active admin stays one. The same role again changes nothing. */
  async changeUserRole(
    tenantId: string,
    actor: LifecycleActor,
    userId: string,
    role: Role,
    request: RequestInfo | null = null,
  ): Promise<ManagedUser> {
    checkUserId(userId);
    const to = checkRole(role);
    return withTenant(this.db, tenantId, async (m) => {
      const { user, activeAdmins } = await lockUserForChange(m, tenantId, userId, to !== Role.TENANT_ADMIN);
      if (user.role === to) return user;
      if (to !== Role.TENANT_ADMIN) keepAnActiveAdmin(user, activeAdmins);
      await m.query('UPDATE users SET role = $1 WHERE id = $2 AND tenant_id = $3', [to, userId, tenantId]);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.USER_ROLE_CHANGED,
        actor,
        targetUserId: userId,
        request,
        details: { from: user.role, to },
      });
      return (await readUser(m, tenantId, userId))!;
    });
  }

  /**
   * Changes a user's sign-in name (`user.renamed`), display name and external
   * id (one `user.updated` naming what changed), and status (`active`: the
   * same as disableUser / enableUser, with `user.disabled` / `user.enabled`),
   * all or nothing. What is absent or unchanged stays, and is not audited.
   */
  async updateUser(
    tenantId: string,
    actor: LifecycleActor,
    userId: string,
    changes: UpdateUser,
    request: RequestInfo | null = null,
  ): Promise<ManagedUser> {
    checkUserId(userId);
    const email = changes.email === undefined ? undefined : normaliseEmail(changes.email);
    const displayName = changes.displayName === undefined ? undefined : normaliseDisplayName(changes.displayName);
    const externalId = changes.externalId === undefined ? undefined : normaliseExternalId(changes.externalId);
    if (changes.active !== undefined && typeof changes.active !== 'boolean') throw badInput('active is true or false.', 'active');
    return withTenant(this.db, tenantId, async (m) => {
      const { user, activeAdmins } = await lockUserForChange(m, tenantId, userId, changes.active === false);
      for (const [field, to, from] of [
        ['email', email, user.email],
        ['displayName', displayName, user.displayName],
      ] as const) {
        const refused = to !== undefined && to !== from ? renameProblem(user.source, !!changes.byProvisioning, field) : null;
        if (refused) throw badInput(refused.problem, refused.field);
      }
      if (email !== undefined && email !== user.email) await this.rename(m, user, email, actor, request);
      const updated: Record<string, { from: string | null; to: string | null }> = {};
      if (displayName !== undefined && displayName !== user.displayName) updated.displayName = { from: user.displayName, to: displayName };
      if (externalId !== undefined && externalId !== user.externalId) updated.externalId = { from: user.externalId, to: externalId };
      if (Object.keys(updated).length > 0) {
        await m
          .query('UPDATE users SET display_name = $1, external_id = $2 WHERE id = $3 AND tenant_id = $4', [
            displayName ?? user.displayName,
            externalId === undefined ? user.externalId : externalId,
            userId,
            tenantId,
          ])
          .catch((error: unknown) => {
            throw uniqueNameTaken(error);
          });
        await recordAudit(m, { tenantId, action: AuditAction.USER_UPDATED, actor, targetUserId: userId, request, details: updated });
      }
      if (changes.active !== undefined) {
        const status = changes.active ? UserStatus.ACTIVE : UserStatus.DISABLED;
        await changeStatus(m, { user, activeAdmins, status, actor, request });
      }
      return (await readUser(m, tenantId, userId))!;
    });
  }

  /** One user of the tenant; NOT_FOUND for another tenant's id. */
  async getUser(tenantId: string, userId: string): Promise<ManagedUser> {
    checkUserId(userId);
    const user = await withTenant(this.db, tenantId, (m) => readUser(m, tenantId, userId));
    if (!user) throw notFound('User');
    return user;
  }

  /** The tenant's user with this sign-in name, compared without case; null when there is none. */
  async findUserByEmail(tenantId: string, email: string): Promise<ManagedUser | null> {
    return this.findOne(tenantId, 'lower(u.email) = lower($2)', email.trim());
  }

  /** The tenant's user with this external id, compared exactly; null when there is none. */
  async findUserByExternalId(tenantId: string, externalId: string): Promise<ManagedUser | null> {
    return this.findOne(tenantId, 'u.external_id = $2', externalId);
  }

  private findOne(tenantId: string, condition: string, value: string): Promise<ManagedUser | null> {
    return withTenant(this.db, tenantId, async (m) => {
      const [user]: ManagedUser[] = await m.query(`SELECT ${MANAGED_USER_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND ${condition}`, [
        tenantId,
        value,
      ]);
      return user ?? null;
    });
  }

  /**
   * A new sign-in name. Apps find the user by name and their app password by
   * its tag, so the same app passwords work under the new name at once; the
   * old name is refused from the next request (even where an instance
   * remembered it: the warm path compares names).
   */
  private async rename(m: EntityManager, user: ManagedUser, email: string, actor: LifecycleActor, request: RequestInfo | null) {
    await m
      .query('UPDATE users SET email = $1 WHERE id = $2 AND tenant_id = $3', [email, user.id, user.tenantId])
      .catch((error: unknown) => {
        throw uniqueNameTaken(error);
      });
    await recordAudit(m, {
      tenantId: user.tenantId,
      action: AuditAction.USER_RENAMED,
      actor,
      targetUserId: user.id,
      request,
      details: { from: user.email, to: email },
    });
  }
}
