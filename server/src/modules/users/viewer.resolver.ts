import type { DataSource } from 'typeorm';
import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { withTenant } from '../../db/tenant-scope.js';
import { AppPassword } from '../app-passwords/app-password.entity.js';
import { AppPasswordService } from '../app-passwords/app-password.service.js';
import type { TenantPolicyService } from '../tenant-policies/tenant-policy.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { TwoStepService } from '../two-step/two-step.service.js';
import { User } from './user.entity.js';
import { SecurityInfo, SignInMethod, Viewer } from './viewer.type.js';

export async function loadViewer(db: DataSource, userId: string, tenantId: string): Promise<Viewer | null> {
  const user = await withTenant(db, tenantId, (m) => m.findOneBy(User, { id: userId, tenantId }));
  return user && { id: user.id, email: user.email, displayName: user.displayName, role: user.role, tenantId: user.tenantId };
}

@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(
    private readonly db: DataSource,
    private readonly appPasswords: AppPasswordService,
    private readonly twoStep: TwoStepService,
    private readonly policies: TenantPolicyService,
  ) {}

  @Query(() => Viewer, { nullable: true, description: 'The signed-in user; null when not signed in.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer | null> {
    // An API token acts for the tenant, not a person: it has no viewer.
    return ctx.actor && ctx.actor.signedInWith !== 'api_token' ? loadViewer(this.db, ctx.actor.userId, ctx.actor.tenantId) : null;
  }

  @FieldResolver(() => Tenant, { description: 'Your organisation.' })
  async tenant(@Root() viewer: Viewer): Promise<Tenant> {
    return withTenant(this.db, viewer.tenantId, (m) => m.findOneByOrFail(Tenant, { id: viewer.tenantId }));
  }

  @FieldResolver(() => AppPassword, {
    nullable: true,
    description:
      'For an app signed in with an app password (HTTP Basic): which app password it is (name, created, expires, last used). ' +
      'Null in a console session.',
  })
  async currentAppPassword(@Ctx() ctx: Context): Promise<AppPassword | null> {
    return this.appPasswords.current(requireUser(ctx));
  }

  @FieldResolver(() => Boolean, {
    description:
      'You are an admin, your organisation requires two-step verification for admins, and you have not set it up: every ' +
      'admin query and mutation answers TWO_STEP_REQUIRED until you do. False for everyone else.',
  })
  async twoStepRequiredForAdmin(@Root() viewer: Viewer): Promise<boolean> {
    return this.policies.twoStepRequiredForAdmin({ id: viewer.id, tenantId: viewer.tenantId, role: viewer.role });
  }

  @FieldResolver(() => SecurityInfo, { description: 'Your sign-in methods, as on your security-info page.' })
  async securityInfo(@Ctx() ctx: Context): Promise<SecurityInfo> {
    const actor = requireUser(ctx);
    const [info, twoStep] = await Promise.all([this.appPasswords.securityInfo(actor), this.twoStep.status(actor.userId, actor.tenantId)]);
    const availableMethods: SignInMethod[] = [];
    if (!twoStep.enabled) availableMethods.push(SignInMethod.AUTHENTICATOR_APP);
    if (info.appPasswordsAllowed && (twoStep.enabled || !info.appPasswordsRequireTwoStep)) availableMethods.push(SignInMethod.APP_PASSWORD);
    return {
      appPasswords: info.appPasswords,
      appPasswordCount: info.appPasswordCount,
      appPasswordLimit: info.appPasswordLimit,
      twoStep,
      appPasswordsEnabled: info.appPasswordsAllowed,
      appPasswordsRequireTwoStep: info.appPasswordsRequireTwoStep,
      availableMethods,
    };
  }
}
