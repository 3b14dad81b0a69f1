import type { EntityManager } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { badInput, lastAdmin, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { Role, UserStatus } from './user.entity.js';
import type { UserSource } from './user.rules.js';

/** A user as those who manage users see them (admins in the console, provisioning over SCIM). */
export interface ManagedUser {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  source: UserSource;
  externalId: string | null;
  /** False: no password at all, so only single sign-on signs them in. */
  hasPassword: boolean;
  mustChangePassword: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
}

/** The columns of a ManagedUser, from `users u`. */
export const MANAGED_USER_COLUMNS = `u.id, u.tenant_id AS "tenantId", u.email, u.display_name AS "displayName", u.role, u.status,
  u.source, u.external_id AS "externalId", u.password_hash IS NOT NULL AS "hasPassword",
  u.must_change_password AS "mustChangePassword", u.last_sign_in_at AS "lastSignInAt", u.created_at AS "createdAt"`;

/** One user of the tenant, or null; `lock` takes the row for the rest of the transaction. */
export async function readUser(m: EntityManager, tenantId: string, userId: string, lock = false): Promise<ManagedUser | null> {
  const [user]: ManagedUser[] = await m.query(
    `SELECT ${MANAGED_USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.tenant_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [userId, tenantId],
  );
  return user ?? null;
}

const isActiveAdmin = (user: ManagedUser) => user.role === Role.TENANT_ADMIN && user.status === UserStatus.ACTIVE;

/**
 * Locks the user about to change, and, when `mayRemoveAdmin`, first every
 * active admin of the tenant (always in the same order, so two admins
 * demoting each other at once queue instead of deadlocking), so the count of
 * active admins cannot change under this transaction.
 */
export async function lockUserForChange(
  m: EntityManager,
  tenantId: string,
  userId: string,
  mayRemoveAdmin: boolean,
): Promise<{ user: ManagedUser; activeAdmins: number }> {
  let activeAdmins = 0;
  if (mayRemoveAdmin) {
    const admins: unknown[] = await m.query(
      `SELECT id FROM users WHERE tenant_id = $1 AND role = 'TENANT_ADMIN' AND status = 'ACTIVE' ORDER BY id FOR UPDATE`,
      [tenantId],
    );
    activeAdmins = admins.length;
  }
  const user = await readUser(m, tenantId, userId, true);
  if (!user) throw notFound('User');
  return { user, activeAdmins };
}

/** Refuses a change that takes away the tenant's last active admin (`activeAdmins` as counted by lockUserForChange). */
export function keepAnActiveAdmin(user: ManagedUser, activeAdmins: number): void {
  if (isActiveAdmin(user) && activeAdmins <= 1) throw lastAdmin();
}

/** Who changes a user, for the rules that protect the actor themselves. */
const isSelf = (actor: AuditRecord['actor'], userId: string) => actor.type === 'user' && actor.userId === userId;

/**
 * Disables or enables a locked user, in the caller's transaction, with its
 * audit event. Disabling ends their console sessions at once; their app
 * passwords are refused from the next request, since every check (cold and
 * warm) confirms in PostgreSQL that the user is active. Nobody disables
 * themselves or the last active admin. Returns whether anything changed.
 */
export async function changeStatus(
  m: EntityManager,
  change: { user: ManagedUser; activeAdmins: number; status: UserStatus; actor: AuditRecord['actor']; request: RequestInfo | null },
): Promise<boolean> {
  const { user, status, actor } = change;
  if (user.status === status) return false;
  if (status === UserStatus.DISABLED) {
    if (isSelf(actor, user.id)) throw badInput('You cannot disable your own account.', 'id');
    keepAnActiveAdmin(user, change.activeAdmins);
  }
  await m.query('UPDATE users SET status = $1 WHERE id = $2 AND tenant_id = $3', [status, user.id, user.tenantId]);
  if (status === UserStatus.DISABLED) await m.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);
  await recordAudit(m, {
    tenantId: user.tenantId,
    action: status === UserStatus.DISABLED ? AuditAction.USER_DISABLED : AuditAction.USER_ENABLED,
    actor,
    targetUserId: user.id,
    request: change.request,
  });
  return true;
}

/** Refuses an actor deleting their own account. */
export function refuseSelf(actor: AuditRecord['actor'], userId: string, message: string): void {
  if (isSelf(actor, userId)) throw badInput(message, 'id');
}
