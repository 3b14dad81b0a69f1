import QRCode from 'qrcode';
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import type { RequestInfo, UserActor } from '../../common/context.js';
import { badInput, forbidden } from '../../common/errors.js';
import { deriveKey, SecretBox } from '../../common/secret-box.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, recordOwnChange, type AuditRecord } from '../audit/audit.service.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import { removeTwoStep, type RevokeUserAppPasswords } from './two-step-removal.js';
import type { ConfirmTwoStepEnrollmentPayload, TwoStepEnrollment } from './two-step.types.js';
import {
  generateRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  normaliseTotpCode,
  recoveryCodeTag,
  totpUri,
  verifyTotpCode,
} from './two-step.secret.js';

/**
 * Ends a user's console sessions in the caller's transaction, all or all but
 * `keepSessionId`; returns how many were live. Sign-in provides it (it builds
 * on this module: a console sign-in's second step is checked here).
 */
export type EndSessions = (m: EntityManager, userId: string, keepSessionId?: string) => Promise<number>;

/** How the second step was passed, as recorded on the session. */
export type SecondFactor = 'totp' | 'recovery_code';

/**
 * Two-step verification with an authenticator app (TOTP, RFC 6238) and
 * single-use recovery codes. The TOTP seed is stored encrypted under a key
 * derived from the server key; recovery codes only as keyed hashes. Every
 * change is audited; nothing secret is.
 */
export class TwoStepService {
  private readonly seeds: SecretBox;
  /** Current first; previous server keys still find recovery codes made before a rotation. */
  private readonly recoveryKeys: Buffer[];

  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
    private readonly endSessions: EndSessions,
    private readonly revokeAppPasswords: RevokeUserAppPasswords,
  ) {
    this.seeds = new SecretBox(keys.all, 'totp seed');
    this.recoveryKeys = keys.all.map((key) => deriveKey(key, 'recovery code tag'));
  }

  /** Whether the user has a confirmed authenticator app (their sign-in then takes two steps). */
  async isEnabled(user: { id: string; tenantId: string }, manager?: EntityManager): Promise<boolean> {
    const sql = 'SELECT 1 FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2 AND confirmed_at IS NOT NULL';
    const query = (m: EntityManager) => m.query(sql, [user.id, user.tenantId]);
    const rows = await (manager ? query(manager) : withTenant(this.db, user.tenantId, query));
    return rows.length > 0;
  }

  /**
   * A new seed for the user's authenticator app, not yet in force: it counts
   * only once `confirmEnrollment` sees a code from it. Starting again
   * replaces an unconfirmed seed. The QR code is rendered here: no image
   * service ever sees the key.
   */
  async startEnrollment(actor: UserActor): Promise<TwoStepEnrollment> {
    requireConsole(actor);
    requireRecentSignIn(actor);
    const saved = await withTenant(this.db, actor.tenantId, (m) => this.saveSeed(m, { id: actor.userId, tenantId: actor.tenantId }, false));
    if (!saved) throw badInput('Two-step verification is already set up. Remove it first to set up another app.');
    const qrCodeSvg = await QRCode.toString(saved.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { ...saved, qrCodeSvg };
  }

  /**
   * An authenticator app in force at once, without a code from it: the demo
   * admin's at the first start, whose key is shown once on the terminal.
   * Undefined when the user has one already.
   */
  async enrollWithoutCode(user: { id: string; tenantId: string }, actor: AuditRecord['actor']) {
    return withTenant(this.db, user.tenantId, async (m) => {
      const saved = await this.saveSeed(m, user, true);
      if (saved) await recordAudit(m, { tenantId: user.tenantId, action: AuditAction.TWO_STEP_ENABLED, actor, targetUserId: user.id });
      return saved;
    });
  }

  /**
   * Puts the new seed in force once the user proves their app shows its codes,
   * and returns ten recovery codes, shown this once. Ends the user's other
   * sessions: whoever else was signed in with the password alone must now
   * pass the second step too. Like starting, needs a recent sign-in, so a
   * stolen session cannot make the second factor its own.
   */
  async confirmEnrollment(actor: UserActor, code: string, request: RequestInfo): Promise<ConfirmTwoStepEnrollmentPayload> {
    requireConsole(actor);
    requireRecentSignIn(actor);
    if (!normaliseTotpCode(code)) throw badInput('Enter the 6-digit code your authenticator app shows.', 'code');
    return withTenant(this.db, actor.tenantId, async (m) => {
      const [row] = await m.query(
        `SELECT secret_ciphertext, confirmed_at FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2 FOR UPDATE`,
        [actor.userId, actor.tenantId],
      );
      if (!row) throw badInput('Start setting up an authenticator app first.');
      if (row.confirmed_at) throw badInput('Two-step verification is already set up.');
      const step = verifyTotpCode(this.seeds.open(row.secret_ciphertext), code, null);
      if (step === undefined) {
        throw badInput('That code is not right. Enter the code your app shows now, and check the time on your device.', 'code');
      }
      await m.query(`UPDATE totp_authenticators SET confirmed_at = now(), last_used_time_step = $2 WHERE user_id = $1`, [
        actor.userId,
        step,
      ]);
      const recoveryCodes = await this.replaceRecoveryCodes(m, actor);
      const signedOutSessions = await this.endSessions(m, actor.userId, actor.signedInWith === 'session' ? actor.sessionId : undefined);
      await recordOwnChange(m, actor, AuditAction.TWO_STEP_ENABLED, request, { details: { signedOutSessions } });
      return { recoveryCodes, signedOutSessions };
    });
  }

  /** Ten new recovery codes; the old ones stop working. Needs a recent sign-in. */
  async regenerateRecoveryCodes(actor: UserActor, request: RequestInfo): Promise<string[]> {
    requireRecentSignIn(actor);
    return withTenant(this.db, actor.tenantId, async (m) => {
      const locked = await m.query(
        'SELECT 1 FROM totp_authenticators WHERE user_id = $1 AND tenant_id = $2 AND confirmed_at IS NOT NULL FOR UPDATE',
        [actor.userId, actor.tenantId],
      );
      if (locked.length === 0) throw badInput('Two-step verification is not set up.');
      const codes = await this.replaceRecoveryCodes(m, actor);
      await recordOwnChange(m, actor, AuditAction.RECOVERY_CODES_REGENERATED, request);
      return codes;
    });
  }

  /**
   * Removes the authenticator app and the recovery codes. Needs a recent
   * sign-in. While the tenant requires two-step verification for app
   * passwords, it is refused as long as the user has any, unless they are
   * deleted with it (`deleteAppPasswords`), in the same transaction.
   */
  async remove(actor: UserActor, deleteAppPasswords: boolean, request: RequestInfo): Promise<{ deletedAppPasswords: number }> {
    requireRecentSignIn(actor);
    return withTenant(this.db, actor.tenantId, async (m) => {
      await m.query('SELECT 1 FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [actor.userId, actor.tenantId]);
      const deletedAppPasswords = await removeTwoStep(
        m,
        {
          tenantId: actor.tenantId,
          userId: actor.userId,
          actor: { type: 'user', userId: actor.userId },
          deleteAppPasswords,
          request,
          reason: 'Two-step verification was removed',
          refusal: (count) =>
            `Your organisation allows app passwords only with two-step verification, and you have ${count}. ` +
            'Delete them first, or remove them together with two-step verification.',
        },
        this.revokeAppPasswords,
      );
      if (deletedAppPasswords === undefined) throw badInput('Two-step verification is not set up.');
      await recordOwnChange(
        m,
        actor,
        AuditAction.TWO_STEP_REMOVED,
        request,
        deletedAppPasswords ? { details: { deletedAppPasswords } } : {},
      );
      return { deletedAppPasswords };
    });
  }

  /**
   * The second step of a sign-in: a code from the app (each works once: a
   * code at or before the last step used is refused, also when two requests
   * race) or an unused recovery code (used up by this). Undefined when neither.
   */
  async verifySecondFactor(user: { id: string; tenantId: string }, code: string, request: RequestInfo): Promise<SecondFactor | undefined> {
    if (normaliseTotpCode(code)) {
      const [row] = await withTenant(this.db, user.tenantId, (m) =>
        m.query('SELECT secret_ciphertext, last_used_time_step FROM totp_authenticators WHERE user_id = $1 AND confirmed_at IS NOT NULL', [
          user.id,
        ]),
      );
      if (!row) return undefined;
      const lastUsed = row.last_used_time_step === null ? null : Number(row.last_used_time_step);
      const seed = this.seeds.openWithKey(row.secret_ciphertext);
      const step = verifyTotpCode(seed.plain, code, lastUsed);
      if (step === undefined) return undefined;
      // Sealed under a previous server key: sealed again under the current one with the claim.
      const resealed = seed.current ? null : this.seeds.seal(seed.plain);
      const claimed = await withTenant(this.db, user.tenantId, (m) =>
        m.query(
          `WITH claimed AS (
           UPDATE totp_authenticators
              SET last_used_time_step = $2,
                  secret_ciphertext = coalesce($3, secret_ciphertext),
                  secret_key_id = CASE WHEN $3::bytea IS NULL THEN secret_key_id ELSE $4 END
            WHERE user_id = $1 AND (last_used_time_step IS NULL OR last_used_time_step < $2) RETURNING 1)
         SELECT 1 FROM claimed`,
          [user.id, step, resealed, this.keys.currentId],
        ),
      );
      return claimed.length > 0 ? 'totp' : undefined;
    }
    const recovery = normaliseRecoveryCode(code);
    if (!recovery) return undefined;
    return withTenant(this.db, user.tenantId, async (m) => {
      const used: Array<{ left: number }> = await m.query(
        `WITH used AS (
           UPDATE recovery_codes SET used_at = now()
            WHERE user_id = $1 AND code_tag = ANY($2::bytea[]) AND used_at IS NULL
              AND EXISTS (SELECT 1 FROM totp_authenticators t WHERE t.user_id = $1 AND t.confirmed_at IS NOT NULL)
           RETURNING id)
         SELECT (SELECT count(*)::int FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL) - 1 AS left FROM used`,
        [user.id, this.recoveryKeys.map((key) => recoveryCodeTag(key, recovery))],
      );
      if (used.length === 0) return undefined;
      await recordOwnChange(m, { tenantId: user.tenantId, userId: user.id }, AuditAction.RECOVERY_CODE_USED, request, {
        details: { recoveryCodesLeft: used[0]!.left },
      });
      return 'recovery_code';
    });
  }

  /** A new seed for the user, replacing one not yet confirmed; undefined when one is in force already. */
  private async saveSeed(m: EntityManager, user: { id: string; tenantId: string }, confirmed: boolean) {
    const secret = newTotpSecret();
    const rows: Array<{ email: string }> = await m.query(
      `WITH saved AS (
         INSERT INTO totp_authenticators (user_id, tenant_id, secret_ciphertext, secret_key_id, confirmed_at)
         SELECT id, tenant_id, $3, $4, CASE WHEN $5 THEN now() END FROM users WHERE id = $1 AND tenant_id = $2
         ON CONFLICT (user_id) DO UPDATE
           SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_key_id = EXCLUDED.secret_key_id, created_at = now(),
               confirmed_at = EXCLUDED.confirmed_at
          WHERE totp_authenticators.confirmed_at IS NULL
         RETURNING user_id)
       SELECT u.email FROM saved JOIN users u ON u.id = saved.user_id`,
      [user.id, user.tenantId, this.seeds.seal(secret), this.keys.currentId, confirmed],
    );
    return rows[0] && { secret, otpauthUri: totpUri(secret, rows[0].email) };
  }

  private async replaceRecoveryCodes(m: EntityManager, actor: UserActor): Promise<string[]> {
    const codes = generateRecoveryCodes();
    await m.query('DELETE FROM recovery_codes WHERE user_id = $1', [actor.userId]);
    await m.query(
      `INSERT INTO recovery_codes (user_id, tenant_id, code_tag, code_key_id) SELECT $1, $2, tag, $4 FROM unnest($3::bytea[]) AS tag`,
      [
        actor.userId,
        actor.tenantId,
        codes.map((c) => recoveryCodeTag(this.recoveryKeys[0]!, normaliseRecoveryCode(c)!)),
        this.keys.currentId,
      ],
    );
    return codes;
  }
}

/** Two-step verification is managed in the console only: never with an app password or an API token. */
function requireConsole(actor: UserActor): void {
  if (actor.signedInWith !== 'session') throw forbidden('Sign in to the console to change your sign-in methods.');
}
