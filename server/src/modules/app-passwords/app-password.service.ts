import type { DataSource } from 'typeorm';
import type { RequestInfo, TenantReader, UserActor } from '../../common/context.js';
import { badInput, notFound } from '../../common/errors.js';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, recordOwnChange } from '../audit/audit.service.js';
import { isProblem, narrowServices } from '../services/service-catalog.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { Role } from '../users/user.entity.js';
import { AppPassword, readAppPasswords } from './app-password.entity.js';
import { deleteAppPasswords } from './app-password-revocation.js';
import { networksRequiredProblem, parseNetworks } from './app-password-scope.js';
import { parseAppPasswordName } from './app-password.secret.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What users do with their own app passwords once they have them: narrow
 * their services, set their networks, rename and delete them. Creating one is
 * AppPasswordCreationService's; the security-info page reads them in
 * security-info/security-info.read.ts.
 */
export class AppPasswordService {
  constructor(private readonly db: DataSource) {}

  /**
   * Limits one of the actor's app passwords to fewer services (never more:
   * for more, a new one). Takes effect from the next check; audited.
   */
  async limitServices(actor: UserActor, id: string, requested: readonly string[], request: RequestInfo): Promise<AppPassword> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const [current] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2 AND ap.user_id = $3', [id, actor.userId]);
      if (!current) throw notFound('App password');
      const narrowed = narrowServices(requested, current.services, 'services');
      if (isProblem(narrowed)) throw badInput(narrowed.problem, narrowed.field);
      // FOR UPDATE via the UPDATE itself: a concurrent change waits, then this one wins.
      await m.query('UPDATE app_passwords SET services = $3::text[] WHERE tenant_id = $1 AND id = $2', [
        actor.tenantId,
        id,
        narrowed.services,
      ]);
      await recordOwnChange(m, actor, AuditAction.APP_PASSWORD_SERVICES_LIMITED, request, {
        appPassword: { id: current.id, name: current.name },
        details: { before: current.services, after: narrowed.services },
      });
      const [after] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2', [id]);
      return after!;
    });
  }

  /**
   * Sets the networks an app password may be used from (empty: anywhere,
   * unless the tenant requires networks). Its owner, or an admin of the
   * tenant for anyone's; takes effect from the next check; audited.
   */
  async setNetworks(actor: UserActor, id: string, requested: readonly string[], request: RequestInfo): Promise<AppPassword> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    const networks = parseNetworks(requested);
    if ('problem' in networks) throw badInput(networks.problem, 'networks');
    const anyones = actor.signedInWith === 'session' && actor.role === Role.TENANT_ADMIN;
    return withTenant(this.db, actor.tenantId, async (m) => {
      const [current] = await readAppPasswords(m, actor.tenantId, anyones ? 'ap.id = $2' : 'ap.id = $2 AND ap.user_id = $3', [
        id,
        ...(anyones ? [] : [actor.userId]),
      ]);
      if (!current) throw notFound('App password');
      const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      const problem = networksRequiredProblem(policy.requireNetworks, networks.networks);
      if (problem) throw badInput(problem, 'networks');
      await m.query('UPDATE app_passwords SET networks = $3::cidr[] WHERE tenant_id = $1 AND id = $2', [
        actor.tenantId,
        id,
        networks.networks,
      ]);
      await recordAudit(m, {
        tenantId: actor.tenantId,
        action: AuditAction.APP_PASSWORD_NETWORKS_CHANGED,
        actor: { type: 'user', userId: actor.userId },
        targetUserId: current.userId,
        appPassword: { id: current.id, name: current.name },
        request,
        details: { before: current.networks, after: networks.networks },
      });
      const [after] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2', [id]);
      return after!;
    });
  }

  /**
   * Renames one of the actor's app passwords (1–64 characters, as when
   * creating it); audited with the old and the new name. Its secret, and
   * every app using it, are unaffected.
   */
  async rename(actor: UserActor, id: string, rawName: string, request: RequestInfo): Promise<AppPassword> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    const parsed = parseAppPasswordName(rawName);
    if ('problem' in parsed) throw badInput(parsed.problem, 'name');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const [before]: Array<{ name: string }> = await m.query(
        'SELECT name FROM app_passwords WHERE tenant_id = $1 AND id = $2 AND user_id = $3 FOR UPDATE',
        [actor.tenantId, id, actor.userId],
      );
      if (!before) throw notFound('App password');
      await m.query('UPDATE app_passwords SET name = $3 WHERE tenant_id = $1 AND id = $2', [actor.tenantId, id, parsed.name]);
      await recordOwnChange(m, actor, AuditAction.APP_PASSWORD_RENAMED, request, {
        appPassword: { id, name: parsed.name },
        details: { before: before.name, after: parsed.name },
      });
      const [after] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2', [id]);
      return after!;
    });
  }

  /** Deletes every app password of the actor at once (one audit event each); returns how many went. */
  async deleteAll(actor: UserActor, request: RequestInfo): Promise<number> {
    return withTenant(this.db, actor.tenantId, (m) => {
      const q = new SqlParams();
      return deleteAppPasswords(m, q, {
        tenantId: actor.tenantId,
        where: `ap.user_id = ${q.p(actor.userId)}`,
        actor: { type: 'user', userId: actor.userId },
        request,
        action: AuditAction.APP_PASSWORD_DELETED,
      });
    });
  }

  /** One of the actor's own app passwords by id, or null (an app over Basic: only the one it signed in with). */
  async own(reader: TenantReader, actor: UserActor, id: string): Promise<AppPassword | null> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    if (actor.signedInWith === 'app_password' && id.toLowerCase() !== actor.appPasswordId.toLowerCase()) return null;
    const [found] = await reader.read(actor.tenantId, (m) =>
      readAppPasswords(m, actor.tenantId, 'ap.id = $2 AND ap.user_id = $3', [id, actor.userId]),
    );
    return found ?? null;
  }

  /** The app password an app signed in with (Basic), or null for anyone else. */
  async current(reader: TenantReader, actor: UserActor): Promise<AppPassword | null> {
    if (actor.signedInWith !== 'app_password') return null;
    const [found] = await reader.read(actor.tenantId, (m) =>
      readAppPasswords(m, actor.tenantId, 'ap.id = $2 AND ap.user_id = $3', [actor.appPasswordId, actor.userId]),
    );
    return found ?? null;
  }

  /**
   * Deletes one of the actor's own app passwords: at once, for good, freeing
   * its slot. An app signed in with an app password may delete that one only
   * ("sign this device out"); for it, the owner's others are not found.
   */
  async delete(actor: UserActor, id: string, request: RequestInfo): Promise<string> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    // Any other id, even the owner's, looks to such an app exactly like one that does not exist.
    if (actor.signedInWith === 'app_password' && id.toLowerCase() !== actor.appPasswordId.toLowerCase()) throw notFound('App password');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const q = new SqlParams();
      const deleted = await deleteAppPasswords(m, q, {
        tenantId: actor.tenantId,
        where: `ap.id = ${q.p(id)} AND ap.user_id = ${q.p(actor.userId)}`,
        actor: { type: 'user', userId: actor.userId },
        request,
        action: AuditAction.APP_PASSWORD_DELETED,
      });
      if (deleted === 0) throw notFound('App password');
      return id.toLowerCase();
    });
  }
}
