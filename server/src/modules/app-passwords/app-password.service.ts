import type { DataSource, EntityManager } from 'typeorm';
import { ErrorCode } from '@app-passwords/schema';
import { hashSecret } from '../../common/argon2.js';
import type { ServerKeys } from '../../common/server-keys.js';
import type { RequestInfo, UserActor } from '../../common/context.js';
import { AppError, badInput, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireRecentSignIn } from '../sign-in/recent-sign-in.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { allowsAppPasswords, appPasswordLimit, expiryFor, hasRoomForAppPassword } from '../tenant-policies/tenant-policy.rules.js';
import { AppPassword } from './app-password.entity.js';
import { appPasswordLookupTag, generateAppPassword, parseAppPasswordName } from './app-password.secret.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Counts toward the limit: not yet expired. */
const ACTIVE = '(expires_at IS NULL OR expires_at > now())';

export interface SecurityInfoData {
  appPasswords: AppPassword[];
  appPasswordCount: number;
  appPasswordLimit: number;
  appPasswordsAllowed: boolean;
  appPasswordsRequireTwoStep: boolean;
}

export class AppPasswordService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
  ) {}

  /** The actor's own app passwords, oldest first, with the policy that governs them. */
  async securityInfo(actor: UserActor): Promise<SecurityInfoData> {
    const [appPasswords, policy] = await Promise.all([
      this.db.getRepository(AppPassword).find({
        where: { userId: actor.userId, tenantId: actor.tenantId },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
      this.policy(actor.tenantId),
    ]);
    const now = Date.now();
    return {
      appPasswords,
      appPasswordCount: appPasswords.filter((p) => !p.expiresAt || p.expiresAt.getTime() > now).length,
      appPasswordLimit: appPasswordLimit(policy),
      appPasswordsAllowed: allowsAppPasswords(policy),
      appPasswordsRequireTwoStep: policy.requireTwoStepForAppPasswords,
    };
  }

  /**
   * Generates a new app password for the actor. The plain secret leaves this
   * method once, in its return value, after the transaction has committed.
   * The user row is locked for the count-and-insert, so parallel requests
   * cannot overshoot the limit. Needs a console sign-in of the last 10
   * minutes and, when the tenant says so, two-step verification.
   */
  async create(actor: UserActor, rawName: string, request: RequestInfo): Promise<{ appPassword: AppPassword; password: string }> {
    const parsed = parseAppPasswordName(rawName);
    if ('problem' in parsed) throw badInput(parsed.problem, 'name');
    // Fail fast before spending argon2 work; the transaction checks again.
    const current = await this.policy(actor.tenantId);
    this.assertAllowed(current);
    await this.assertTwoStep(current, actor.userId, this.db);
    requireRecentSignIn(actor);

    const password = generateAppPassword();
    const secretHash = await hashSecret(password);
    const lookupTag = appPasswordLookupTag(this.keys.current, password);

    const appPassword = await this.db.transaction(async (m) => {
      const locked = await m.query('SELECT id FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [actor.userId, actor.tenantId]);
      if (locked.length === 0) throw notFound('User');
      const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      this.assertAllowed(policy);
      await this.assertTwoStep(policy, actor.userId, m);
      const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1 AND ${ACTIVE}`, [
        actor.userId,
      ]);
      if (!hasRoomForAppPassword(policy, count)) {
        throw new AppError(
          ErrorCode.APP_PASSWORD_LIMIT_REACHED,
          `You already have ${count} app passwords, the most your organisation allows. Delete one you no longer use, then try again.`,
          { limit: appPasswordLimit(policy) },
        );
      }
      const created = await m.save(
        m.create(AppPassword, {
          tenantId: actor.tenantId,
          userId: actor.userId,
          name: parsed.name,
          secretHash,
          lookupTag,
          lookupKeyId: this.keys.currentId,
          expiresAt: expiryFor(policy, new Date()),
        }),
      );
      await recordAudit(m, {
        tenantId: actor.tenantId,
        action: AuditAction.APP_PASSWORD_CREATED,
        actor: { type: 'user', userId: actor.userId },
        targetUserId: actor.userId,
        appPassword: { id: created.id, name: created.name },
        request,
      });
      return created;
    });
    return { appPassword: await this.reload(appPassword.id), password };
  }

  /** Deletes one of the actor's own app passwords: at once, for good, freeing its slot. */
  async delete(actor: UserActor, id: string, request: RequestInfo): Promise<string> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    return this.db.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .delete()
        .from(AppPassword)
        .where({ id, userId: actor.userId, tenantId: actor.tenantId })
        .returning(['id', 'name'])
        .execute();
      const deleted = (result.raw as Array<{ id: string; name: string }>)[0];
      if (!deleted) throw notFound('App password');
      await recordAudit(m, {
        tenantId: actor.tenantId,
        action: AuditAction.APP_PASSWORD_DELETED,
        actor: { type: 'user', userId: actor.userId },
        targetUserId: actor.userId,
        appPassword: deleted,
        request,
      });
      return deleted.id;
    });
  }

  private async policy(tenantId: string): Promise<TenantPolicy> {
    return this.db.getRepository(TenantPolicy).findOneByOrFail({ tenantId });
  }

  private assertAllowed(policy: TenantPolicy): void {
    if (!allowsAppPasswords(policy)) {
      throw new AppError(ErrorCode.APP_PASSWORDS_DISABLED, 'Your organisation has switched app passwords off.');
    }
  }

  /** While the tenant requires it, only users with two-step verification may create app passwords. */
  private async assertTwoStep(policy: TenantPolicy, userId: string, manager: EntityManager | DataSource): Promise<void> {
    if (!policy.requireTwoStepForAppPasswords) return;
    const enrolled = await manager.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1 AND confirmed_at IS NOT NULL', [userId]);
    if (enrolled.length === 0) {
      throw new AppError(
        ErrorCode.TWO_STEP_REQUIRED,
        'Your organisation allows app passwords only with two-step verification. Set up an authenticator app first.',
      );
    }
  }

  private reload(id: string): Promise<AppPassword> {
    return this.db.getRepository(AppPassword).findOneByOrFail({ id });
  }
}
