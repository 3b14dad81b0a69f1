import type { DataSource, EntityManager } from 'typeorm';
import type { RequestInfo, TenantReader } from '../../common/context.js';
import { badInput } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { SecretBox } from '../../common/secret-box.js';
import type { ServerKeys } from '../../common/server-keys.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { breakGlassAdmins } from '../tenant-policies/break-glass-admins.js';
import { TenantPolicy } from '../tenant-policies/tenant-policy.entity.js';
import { IdentityProvider, UserCreation } from './identity-provider.entity.js';
import type { ConfigureIdentityProviderInput } from './identity-provider.inputs.js';
import { issuerProblem, OIDC_CALLBACK_PATH } from './identity-provider.rules.js';
import { discover, discoveryProblem, type ProviderClient } from './oidc-client.js';
import type { SingleSignOn } from './single-sign-on.types.js';

/** A provider with its secret opened, to sign someone in. */
export type ProviderForSignIn = IdentityProvider & ProviderClient;

/** What the audit trail keeps of a configuration: everything but the secret. */
function described(provider: IdentityProvider) {
  const { issuer, clientId, signInClaim, displayName, acceptedAcrValues, userCreation } = provider;
  return { issuer, clientId, signInClaim, displayName, acceptedAcrValues, userCreation };
}

/** Whether the tenant has single sign-on set up, in the caller's transaction (tenant policies ask before password sign-in goes off). */
export function identityProviderConfigured(m: EntityManager, tenantId: string): Promise<boolean> {
  return m.existsBy(IdentityProvider, { tenantId });
}

export class IdentityProviderService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: DataSource,
    private readonly keys: ServerKeys,
    /** PUBLIC_URL, or where this server listens when none is configured (tests). */
    private readonly publicUrl: () => string,
    private readonly logger: Logger,
  ) {
    this.box = new SecretBox(keys.all, 'identity provider client secret');
  }

  get redirectUri(): string {
    return `${this.publicUrl()}${OIDC_CALLBACK_PATH}`;
  }

  /** The admin's view: provider, redirect URI, password policy and break-glass admins. */
  async singleSignOn(reader: TenantReader, tenantId: string): Promise<SingleSignOn> {
    return reader.read(tenantId, async (m) => {
      const identityProvider = await m.findOneBy(IdentityProvider, { tenantId });
      const policy = await m.findOneByOrFail(TenantPolicy, { tenantId });
      return {
        identityProvider,
        redirectUri: this.redirectUri,
        passwordSignIn: policy.passwordSignIn,
        breakGlassAdmins: await breakGlassAdmins(m, tenantId),
      };
    });
  }

  /**
   * Saves the tenant's provider after fetching its discovery document: the
   * issuer it names must be exactly the one given, and it must offer what
   * the authorization code flow with PKCE needs. Anything wrong is
   * BAD_USER_INPUT naming the field, and nothing is saved. The secret is
   * sealed; the audit event records the rest.
   */
  async configure(
    tenantId: string,
    input: ConfigureIdentityProviderInput,
    actor: AuditRecord['actor'],
    request: RequestInfo,
  ): Promise<IdentityProvider> {
    const issuer = input.issuer.trim();
    const problem = issuerProblem(issuer);
    if (problem) throw badInput(problem, 'issuer');
    const clientId = input.clientId.trim();
    if (!clientId) throw badInput('Enter the client id.', 'clientId');
    const displayName = input.displayName.trim();
    if (!displayName) throw badInput('Enter the name the sign-in button shows.', 'displayName');
    const acceptedAcrValues = [...new Set((input.acceptedAcrValues ?? []).map((v) => v.trim()).filter(Boolean))];

    const existing = await withTenant(this.db, tenantId, (m) =>
      m
        .getRepository(IdentityProvider)
        .createQueryBuilder('p')
        .addSelect(['p.clientSecret', 'p.clientSecretKeyId'])
        .where('p.tenant_id = :tenantId', { tenantId })
        .getOne(),
    );
    if (!input.clientSecret && !existing) throw badInput('Enter the client secret.', 'clientSecret');
    const sealedSecret = input.clientSecret ? this.box.seal(input.clientSecret) : existing!.clientSecret;
    const sealedUnder = input.clientSecret ? this.keys.currentId : existing!.clientSecretKeyId;
    await this.checkDiscovery({ issuer, clientId, clientSecret: input.clientSecret ?? 'unused' });

    return withTenant(this.db, tenantId, async (m) => {
      const values = {
        tenantId,
        issuer,
        clientId,
        clientSecret: sealedSecret,
        clientSecretKeyId: sealedUnder,
        signInClaim: input.signInClaim ?? existing?.signInClaim ?? 'email',
        displayName,
        acceptedAcrValues,
        userCreation: input.userCreation ?? existing?.userCreation ?? UserCreation.ONLY_PROVISIONED,
      };
      await m.upsert(IdentityProvider, values, ['tenantId']);
      const saved = await m.findOneByOrFail(IdentityProvider, { tenantId });
      await recordAudit(m, {
        tenantId,
        action: AuditAction.IDENTITY_PROVIDER_CONFIGURED,
        actor,
        request,
        details: {
          ...(existing ? { before: described(existing) } : {}),
          after: described(saved),
          clientSecretChanged: !!input.clientSecret,
        },
      });
      return saved;
    });
  }

  /** Removes single sign-on; refused while password sign-in is off (nobody but the break-glass admins could sign in). */
  async remove(tenantId: string, actor: AuditRecord['actor'], request: RequestInfo): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      const policy = await m.findOne(TenantPolicy, { where: { tenantId }, lock: { mode: 'pessimistic_write' } });
      const provider = await m.findOneBy(IdentityProvider, { tenantId });
      if (!provider) return false;
      if (policy && !policy.passwordSignIn) {
        throw badInput(
          'Switch password sign-in on before you remove single sign-on, or nobody but the break-glass admins can sign in.',
          'passwordSignIn',
        );
      }
      await m.delete(IdentityProvider, { tenantId });
      await recordAudit(m, {
        tenantId,
        action: AuditAction.IDENTITY_PROVIDER_REMOVED,
        actor,
        request,
        details: { before: described(provider) },
      });
      return true;
    });
  }

  /**
   * The tenant's provider with its secret, for a sign-in; null when there is
   * none. A secret sealed under a previous server key (or under one not
   * recorded) is sealed again under the current one, as authenticator apps'
   * keys are at their next use, so the previous key can go.
   */
  async forSignIn(tenantId: string): Promise<ProviderForSignIn | null> {
    return withTenant(this.db, tenantId, async (m) => {
      const provider = await m
        .getRepository(IdentityProvider)
        .createQueryBuilder('p')
        .addSelect(['p.clientSecret', 'p.clientSecretKeyId'])
        .where('p.tenant_id = :tenantId', { tenantId })
        .getOne();
      if (!provider) return null;
      const { plain, current } = this.box.openWithKey(provider.clientSecret);
      if (!current || provider.clientSecretKeyId !== this.keys.currentId) {
        // Only if nobody saved another secret meanwhile.
        await m.query(
          'UPDATE identity_providers SET client_secret = $1, client_secret_key_id = $2 WHERE tenant_id = $3 AND client_secret = $4',
          [current ? provider.clientSecret : this.box.seal(plain), this.keys.currentId, tenantId, provider.clientSecret],
        );
      }
      return Object.assign(provider, { clientSecret: plain }) as unknown as ProviderForSignIn;
    });
  }

  /** Fetches and checks the discovery document; BAD_USER_INPUT on `issuer` when it is unreachable, wrong or lacking. */
  private async checkDiscovery(client: ProviderClient): Promise<void> {
    let problem: string | null;
    try {
      problem = discoveryProblem(await discover(client));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.logger.info({ issuer: client.issuer, code, reason: (error as Error).message }, 'Identity provider discovery failed');
      problem =
        code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
          ? 'The provider names another issuer in its discovery document: enter the issuer exactly as the provider gives it.'
          : `Could not read ${client.issuer.replace(/\/$/, '')}/.well-known/openid-configuration: check the issuer URL and that this server can reach it.`;
    }
    if (problem) throw badInput(problem, 'issuer');
  }
}
