import type { DataSource, EntityManager } from 'typeorm';
import { hashSecret } from '../../common/argon2.js';
import type { ServerKeys } from '../../common/server-keys.js';
import type { RequestInfo, TenantReader, UserActor } from '../../common/context.js';
import { appPasswordLimitReached, appPasswordsDisabled, badInput, notFound, twoStepRequired } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordOwnChange } from '../audit/audit.service.js';
import { SqlParams } from '../../common/sql.js';
import { withTenant } from '../../db/tenant-scope.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { allowsAppPasswords, appPasswordLimit, expiryFor, hasRoomForAppPassword } from '../tenant-policies/tenant-policy.rules.js';
import { twoStepStatusColumns, twoStepStatusOf, type TwoStepStatusColumns } from '../two-step/two-step-status.js';
import type { TwoStepStatus } from '../two-step/two-step.types.js';
import { AppPassword, appPasswordFromRow, type AppPasswordRow } from './app-password.entity.js';
import { deleteAppPasswords } from './app-password-revocation.js';
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
  twoStep: TwoStepStatus;
}

/** A row of securityInfo's statement: the policy's columns, then an app password's (all null when there is none). */
type SecurityInfoRow = TwoStepStatusColumns &
  Omit<AppPasswordRow, 'id'> & {
    app_passwords_enabled: boolean;
    max_app_passwords_per_user: number;
    require_two_step_for_app_passwords: boolean;
    id: string | null;
  };

export class AppPasswordService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
  ) {}

  /**
   * The actor's own app passwords, oldest first, with the policy that governs
   * them and the actor's two-step status (which the policy may require). An app signed in with an app password sees that one only: it signs
   * one device in, and has no business with the owner's other devices.
   */
  async securityInfo(reader: TenantReader, actor: UserActor): Promise<SecurityInfoData> {
    // One statement, no entity hydration: the policy row and the actor's two-step status, joined to their app passwords
    // (none: one row of nulls).
    const onlyThis = actor.signedInWith === 'app_password';
    const rows: SecurityInfoRow[] = await reader.read(actor.tenantId, (m) =>
      m.query(
        `SELECT tp.app_passwords_enabled, tp.max_app_passwords_per_user, tp.require_two_step_for_app_passwords,
                ${twoStepStatusColumns('$2', '$1')},
                ap.id, ap.tenant_id, ap.user_id, ap.name, ap.created_at, ap.expires_at, ap.last_used_at, ap.last_used_ip
           FROM tenant_policies tp
           LEFT JOIN app_passwords ap ON ap.tenant_id = tp.tenant_id AND ap.user_id = $2${onlyThis ? ' AND ap.id = $3' : ''}
          WHERE tp.tenant_id = $1
          ORDER BY ap.created_at ASC, ap.id ASC`,
        onlyThis ? [actor.tenantId, actor.userId, actor.appPasswordId] : [actor.tenantId, actor.userId],
      ),
    );
    if (rows.length === 0) throw notFound('Tenant policy');
    const policy = { appPasswordsEnabled: rows[0]!.app_passwords_enabled, maxAppPasswordsPerUser: rows[0]!.max_app_passwords_per_user };
    const appPasswords: AppPassword[] = [];
    const now = Date.now();
    let appPasswordCount = 0;
    for (const row of rows) {
      if (row.id === null) continue;
      appPasswords.push(appPasswordFromRow({ ...row, id: row.id }));
      if (!row.expires_at || row.expires_at.getTime() > now) appPasswordCount++;
    }
    return {
      appPasswords,
      appPasswordCount,
      appPasswordLimit: appPasswordLimit(policy),
      appPasswordsAllowed: allowsAppPasswords(policy),
      appPasswordsRequireTwoStep: rows[0]!.require_two_step_for_app_passwords,
      twoStep: twoStepStatusOf(rows[0]!),
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
    await withTenant(this.db, actor.tenantId, async (m) => {
      const current = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      this.assertAllowed(current);
      await this.assertTwoStep(current, actor, m);
    });
    requireRecentSignIn(actor);

    const password = generateAppPassword();
    const secretHash = await hashSecret(password);
    const lookupTag = appPasswordLookupTag(this.keys.current, password);

    const appPassword = await withTenant(this.db, actor.tenantId, async (m) => {
      const locked = await m.query('SELECT id FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [actor.userId, actor.tenantId]);
      if (locked.length === 0) throw notFound('User');
      const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      this.assertAllowed(policy);
      await this.assertTwoStep(policy, actor, m);
      const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1 AND ${ACTIVE}`, [
        actor.userId,
      ]);
      if (!hasRoomForAppPassword(policy, count)) {
        throw appPasswordLimitReached(count, appPasswordLimit(policy));
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
      await recordOwnChange(m, actor, AuditAction.APP_PASSWORD_CREATED, request, {
        appPassword: { id: created.id, name: created.name },
      });
      return created;
    });
    return {
      appPassword: await withTenant(this.db, actor.tenantId, (m) => m.findOneByOrFail(AppPassword, { id: appPassword.id })),
      password,
    };
  }

  /** The app password an app signed in with (Basic), or null for anyone else. */
  async current(reader: TenantReader, actor: UserActor): Promise<AppPassword | null> {
    if (actor.signedInWith !== 'app_password') return null;
    return reader.read(actor.tenantId, (m) =>
      m.findOneBy(AppPassword, { id: actor.appPasswordId, userId: actor.userId, tenantId: actor.tenantId }),
    );
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

  private assertAllowed(policy: TenantPolicy): void {
    if (!allowsAppPasswords(policy)) {
      throw appPasswordsDisabled();
    }
  }

  /** While the tenant requires it, only users with two-step verification may create app passwords. */
  private async assertTwoStep(policy: TenantPolicy, actor: UserActor, m: EntityManager): Promise<void> {
    if (!policy.requireTwoStepForAppPasswords) return;
    const enrolled = await m.query('SELECT 1 FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2 AND confirmed_at IS NOT NULL', [
      actor.userId,
      actor.tenantId,
    ]);
    if (enrolled.length === 0) {
      throw twoStepRequired('Your organisation allows app passwords only with two-step verification. Set up an authenticator app first.');
    }
  }
}
