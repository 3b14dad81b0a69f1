import type { DataSource } from 'typeorm';
import type { RequestInfo, UserActor } from '../../common/context.js';
import { badInput, notFound, twoStepRequired } from '../../common/errors.js';
import { isUuid } from '../../common/pagination.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { OPERATOR, recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import { removeTwoStep, type RevokeUserAppPasswords } from './two-step-removal.js';
import type { EndSessions, TwoStepService } from './two-step.service.js';

export interface TwoStepReset {
  /** App passwords that went with it (only where the tenant allows them only with two-step verification). */
  revokedAppPasswords: number;
  /** The user's sessions that ended. */
  signedOutSessions: number;
}

/**
 * The way back for a user locked out of their second factor (a lost phone, no
 * recovery codes): their authenticator app and recovery codes go, and so do
 * all their sessions and any sign-in waiting for a code, so they sign in with
 * their password alone and set up a new app. Tenant admins do it in the
 * console; operators with `pnpm cli user reset-two-step`. Where the tenant
 * allows app passwords only with two-step verification, the user's app
 * passwords must go with it (`deleteAppPasswords`) or the reset is refused
 * with TWO_STEP_NEEDED_BY_APP_PASSWORDS, as when users remove it themselves.
 * One audit event names who did it to whom.
 */
export class TwoStepResetService {
  constructor(
    private readonly db: DataSource,
    private readonly twoStep: TwoStepService,
    private readonly endSessions: EndSessions,
    private readonly revokeAppPasswords: RevokeUserAppPasswords,
  ) {}

  /**
   * An admin resets another user of their tenant. They need two-step
   * verification themselves (whatever the policy says: this hands an account
   * to whoever knows its password) and a sign-in of the last 10 minutes.
   * Their own goes through removeTwoStepVerification, with its own rules.
   */
  async resetByAdmin(actor: UserActor, userId: string, deleteAppPasswords: boolean, request: RequestInfo): Promise<TwoStepReset> {
    if (!isUuid(userId)) throw badInput('That is not a valid user id.', 'userId');
    if (userId === actor.userId) throw badInput('Remove your own two-step verification on your security-info page.', 'userId');
    if (!(await this.twoStep.isEnabled({ id: actor.userId, tenantId: actor.tenantId }))) {
      throw twoStepRequired('Set up two-step verification for yourself before you reset anyone else’s.');
    }
    requireRecentSignIn(actor);
    return this.reset(actor.tenantId, userId, { type: 'user', userId: actor.userId }, deleteAppPasswords, request);
  }

  /** An operator at the command line resets a user of the tenant, found by sign-in name. */
  async resetByOperator(tenantId: string, email: string, deleteAppPasswords: boolean): Promise<TwoStepReset> {
    const [user]: Array<{ id: string }> = await withTenant(this.db, tenantId, (m) =>
      m.query('SELECT id FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)', [tenantId, email.trim()]),
    );
    if (!user) throw notFound(`User "${email}" in this tenant`);
    return this.reset(tenantId, user.id, OPERATOR, deleteAppPasswords, null);
  }

  private reset(
    tenantId: string,
    userId: string,
    actor: AuditRecord['actor'],
    deleteAppPasswords: boolean,
    request: RequestInfo | null,
  ): Promise<TwoStepReset> {
    return withTenant(this.db, tenantId, async (m) => {
      const [target]: Array<{ email: string }> = await m.query('SELECT email FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [
        userId,
        tenantId,
      ]);
      if (!target) throw notFound('User');
      const revokedAppPasswords = await removeTwoStep(
        m,
        {
          tenantId,
          userId,
          actor,
          deleteAppPasswords,
          request,
          reason: 'Two-step verification was reset',
          refusal: (count) =>
            `The organisation allows app passwords only with two-step verification, and ${target.email} has ${count}. ` +
            'Reset it together with deleting them, or not at all.',
        },
        this.revokeAppPasswords,
      );
      if (revokedAppPasswords === undefined) throw badInput(`${target.email} has no two-step verification to reset.`, 'userId');
      const signedOutSessions = await this.endSessions(m, userId);
      await recordAudit(m, {
        tenantId,
        action: AuditAction.TWO_STEP_RESET,
        actor,
        targetUserId: userId,
        request,
        details: { revokedAppPasswords, signedOutSessions },
      });
      return { revokedAppPasswords, signedOutSessions };
    });
  }
}
