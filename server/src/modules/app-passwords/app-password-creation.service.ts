import type { DataSource } from 'typeorm';
import { hashSecret } from '../../common/argon2.js';
import type { RequestInfo, UserActor } from '../../common/context.js';
import { appPasswordLimitReached, badInput, notFound } from '../../common/errors.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordOwnChange } from '../audit/audit.service.js';
import { chooseServices, isProblem } from '../services/service-catalog.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { appPasswordLimit, chosenExpiry, hasRoomForAppPassword, type ExpiryChoice } from '../tenant-policies/tenant-policy.rules.js';
import { AppPassword, readAppPasswords } from './app-password.entity.js';
import { assertAppPasswordsAllowed, assertTwoStepForAppPasswords } from './app-password-gates.js';
import { networksRequiredProblem, parseNetworks } from './app-password-scope.js';
import { appPasswordLookupTag, generateAppPassword, parseAppPasswordName } from './app-password.secret.js';

/** Counts toward the limit: not yet expired. */
const ACTIVE = '(expires_at IS NULL OR expires_at > now())';

/** What a user asks for when creating an app password. */
export interface NewAppPassword extends ExpiryChoice {
  name: string;
  /** Service keys; none given: every service the tenant allows. */
  services?: readonly string[] | null;
  /** CIDRs or addresses; none given: anywhere. */
  networks?: readonly string[] | null;
}

/**
 * A user creating an app password, within what their tenant allows: app
 * passwords switched on, two-step verification where required, the per-user
 * limit, the services and networks, the longest lifetime.
 */
export class AppPasswordCreationService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
  ) {}

  /**
   * Generates a new app password for the actor, for the services asked for
   * (none: every service the tenant allows) and from the networks given
   * (none: anywhere, unless the tenant requires some). The plain secret
   * leaves this method once, in its return value, after the transaction has
   * committed. The user row is locked for the count-and-insert, so parallel
   * requests cannot overshoot the limit. Needs a console sign-in of the last
   * 10 minutes and, when the tenant says so, two-step verification.
   */
  async create(actor: UserActor, input: NewAppPassword, request: RequestInfo): Promise<{ appPassword: AppPassword; password: string }> {
    const parsed = parseAppPasswordName(input.name);
    if ('problem' in parsed) throw badInput(parsed.problem, 'name');
    const networks = parseNetworks(input.networks ?? []);
    if ('problem' in networks) throw badInput(networks.problem, 'networks');
    // Fail fast before spending argon2 work; the transaction checks again.
    await withTenant(this.db, actor.tenantId, async (m) => {
      const current = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      assertAppPasswordsAllowed(current);
      this.scopeFor(current, input, networks.networks);
      this.expiryOf(current, input);
      await assertTwoStepForAppPasswords(m, current, actor);
    });
    requireRecentSignIn(actor);

    const password = generateAppPassword();
    const secretHash = await hashSecret(password);
    const lookupTag = appPasswordLookupTag(this.keys.current, password);

    const appPassword = await withTenant(this.db, actor.tenantId, async (m) => {
      const locked = await m.query('SELECT id FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [actor.userId, actor.tenantId]);
      if (locked.length === 0) throw notFound('User');
      const policy = await m.findOneByOrFail(TenantPolicy, { tenantId: actor.tenantId });
      assertAppPasswordsAllowed(policy);
      const services = this.scopeFor(policy, input, networks.networks);
      await assertTwoStepForAppPasswords(m, policy, actor);
      const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM app_passwords WHERE user_id = $1 AND ${ACTIVE}`, [
        actor.userId,
      ]);
      if (!hasRoomForAppPassword(policy, count)) {
        throw appPasswordLimitReached(count, appPasswordLimit(policy));
      }
      const [{ id }] = (await m.query(
        `INSERT INTO app_passwords (tenant_id, user_id, name, secret_hash, lookup_tag, lookup_key_id, expires_at, services, networks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::cidr[]) RETURNING id`,
        [
          actor.tenantId,
          actor.userId,
          parsed.name,
          secretHash,
          lookupTag,
          this.keys.currentId,
          this.expiryOf(policy, input),
          services,
          networks.networks,
        ],
      )) as [{ id: string }];
      await recordOwnChange(m, actor, AuditAction.APP_PASSWORD_CREATED, request, {
        appPassword: { id, name: parsed.name },
        details: { services, networks: networks.networks },
      });
      const [created] = await readAppPasswords(m, actor.tenantId, 'ap.id = $2', [id]);
      return created!;
    });
    return { appPassword, password };
  }

  /** When a new app password stops working: as its owner chose, within the tenant's maximum. */
  private expiryOf(policy: TenantPolicy, choice: ExpiryChoice): Date | null {
    const expiry = chosenExpiry(policy, choice, new Date());
    if ('problem' in expiry) throw badInput(expiry.problem, expiry.field);
    return expiry.expiresAt;
  }

  /** The services a new app password gets, and a check that the networks satisfy the tenant. */
  private scopeFor(policy: TenantPolicy, input: NewAppPassword, networks: string[]): string[] {
    const services = chooseServices(input.services ?? policy.allowedServices, policy.allowedServices, 'services');
    if (isProblem(services)) throw badInput(services.problem, services.field);
    const problem = networksRequiredProblem(policy.requireNetworks, networks);
    if (problem) throw badInput(problem, 'networks');
    return services.services;
  }
}
