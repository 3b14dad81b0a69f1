import type { DataSource, EntityManager } from 'typeorm';
import { hashSecret } from '../../common/argon2.js';
import type { RequestInfo, UserActor } from '../../common/context.js';
import { appPasswordExpired, badInput, notFound } from '../../common/errors.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordOwnChange } from '../audit/audit.service.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { readAppPasswords, type AppPassword } from './app-password.entity.js';
import { assertAppPasswordsAllowed, assertTwoStepForAppPasswords } from './app-password-gates.js';
import { appPasswordLookupTag, generateAppPassword } from './app-password.secret.js';

/** How long the previous secret keeps working at most, while the apps are switched to the new one. */
export const ROTATION_OVERLAP_HOURS = 24;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keeps the secret that is still in use as the previous one, unless the row is already in an overlap (then its previous one stays). */
const KEEP = (column: string, from: string) => `${column} = CASE WHEN previous_valid_until > now() THEN ${column} ELSE ${from} END`;

/**
 * Rotating an app password: a new secret for the same app password (id,
 * name, services, networks, expiry), shown once like at creation, while the
 * previous secret keeps working until an app first signs in with the new
 * one, or for 24 hours, whichever comes first, so that apps switch without a
 * gap. The check functions (migration AppPasswordRotation) accept either
 * secret and end the overlap at the new one's first use; `endOverlaps`
 * tidies up those nobody ended and audits them.
 *
 * Rotating again during an overlap replaces the new secret, which no app has
 * used yet (its first use would have ended the overlap), and keeps the
 * previous one, the one the apps still use, for 24 hours from then: someone
 * who lost the new secret before copying it rotates again without cutting
 * off their apps. Two rotations at once take turns on the row's lock: both
 * answer, and the later one's secret is the one that works.
 */
export class AppPasswordRotationService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
  ) {}

  /**
   * A new secret for one of the actor's own app passwords (never someone
   * else's: NOT_FOUND), under the rules that gate creating one: a recent
   * console sign-in, app passwords allowed, two-step verification where the
   * tenant requires it. Takes no slot. An expired app password cannot be
   * rotated. The plain secret leaves this method once, after the commit.
   */
  async rotate(actor: UserActor, id: string, request: RequestInfo): Promise<{ appPassword: AppPassword; password: string }> {
    if (!UUID.test(id)) throw badInput('That is not a valid app password id.', 'id');
    // Fail fast before spending argon2 work; the transaction checks again.
    await withTenant(this.db, actor.tenantId, (m) => this.assertRotatable(m, actor, id, false));
    requireRecentSignIn(actor);

    const password = generateAppPassword();
    const secretHash = await hashSecret(password);
    const lookupTag = appPasswordLookupTag(this.keys.current, password);

    const appPassword = await withTenant(this.db, actor.tenantId, async (m) => {
      const { name, rotating } = await this.assertRotatable(m, actor, id, true);
      const [{ overlap_ends_at }]: [{ overlap_ends_at: Date }] = await m.query(
        `WITH rotated AS (
           UPDATE app_passwords SET
             ${KEEP('previous_secret_hash', 'secret_hash')},
             ${KEEP('previous_lookup_tag', 'lookup_tag')},
             ${KEEP('previous_lookup_key_id', 'lookup_key_id')},
             ${KEEP('previous_secret_version', 'secret_version')},
             previous_valid_until = now() + make_interval(hours => ${ROTATION_OVERLAP_HOURS}),
             secret_hash = $3, lookup_tag = $4, lookup_key_id = $5, secret_version = secret_version + 1
            WHERE tenant_id = $1 AND id = $2
           RETURNING previous_valid_until AS overlap_ends_at
         ) SELECT overlap_ends_at FROM rotated`,
        [actor.tenantId, id, secretHash, lookupTag, this.keys.currentId],
      );
      await recordOwnChange(m, actor, AuditAction.APP_PASSWORD_ROTATED, request, {
        appPassword: { id, name },
        details: { overlapEndsAt: overlap_ends_at.toISOString(), replacedUnusedSecret: rotating },
      });
      const [after] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2', [id]);
      return after!;
    });
    return { appPassword, password };
  }

  /**
   * Ends the overlaps whose 24 hours are over, each with an audit event
   * (`overlap_ended`), across tenants; returns how many. The checks stopped
   * accepting those secrets at the hour already: this only forgets them.
   */
  async endOverlaps(): Promise<number> {
    const [{ finished }]: [{ finished: number }] = await this.db.query('SELECT finished FROM end_app_password_rotation_overlaps()');
    return finished;
  }

  /** The actor's own app password, not expired, and the actor may be given its secret; `lock`: held until the commit. */
  private async assertRotatable(
    m: EntityManager,
    actor: UserActor,
    id: string,
    lock: boolean,
  ): Promise<{ name: string; rotating: boolean }> {
    const [row]: Array<{ name: string; expired: boolean; rotating: boolean }> = await m.query(
      `SELECT name, coalesce(expires_at <= now(), false) AS expired, coalesce(previous_valid_until > now(), false) AS rotating
         FROM app_passwords WHERE tenant_id = $1 AND id = $2 AND user_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [actor.tenantId, id, actor.userId],
    );
    if (!row) throw notFound('App password');
    const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
    assertAppPasswordsAllowed(policy);
    if (row.expired) throw appPasswordExpired();
    await assertTwoStepForAppPasswords(m, policy, actor);
    return row;
  }
}
