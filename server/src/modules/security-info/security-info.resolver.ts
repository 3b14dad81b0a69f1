import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { AppPassword } from '../app-passwords/app-password.entity.js';
import type { AppPasswordService } from '../app-passwords/app-password.service.js';
import type { TenantPolicyService } from '../tenant-policies/tenant-policy.service.js';
import { hasSecondFactor } from '../tenant-policies/tenant-policy.rules.js';
import { Viewer } from '../users/viewer.type.js';
import { SecurityInfo, SignInMethod } from './security-info.type.js';
import { readSecurityInfo, securityInfoOf } from './security-info.read.js';

/**
 * The signed-in user's sign-in methods, as on their security-info page: app
 * passwords and two-step verification together, with what their tenant's
 * policy allows. It sits above the modules it gathers.
 */
@Resolver(() => Viewer)
export class SecurityInfoResolver {
  constructor(
    private readonly appPasswords: AppPasswordService,
    private readonly policies: TenantPolicyService,
  ) {}

  @FieldResolver(() => AppPassword, {
    nullable: true,
    description:
      'For an app signed in with an app password (HTTP Basic): which app password it is (name, created, expires, last used). ' +
      'Null in a console session.',
  })
  async currentAppPassword(@Ctx() ctx: Context): Promise<AppPassword | null> {
    return this.appPasswords.current(ctx.transaction, requireUser(ctx));
  }

  @FieldResolver(() => AppPassword, {
    nullable: true,
    description:
      'One of your app passwords by id, e.g. for its history (recentSignIns, recentAddresses); null when you have none with ' +
      'that id. An app signed in with an app password finds only that one.',
  })
  async appPassword(
    @Arg('id', () => ID, { description: 'One of your app passwords.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<AppPassword | null> {
    return this.appPasswords.own(ctx.transaction, requireUser(ctx), id);
  }

  @FieldResolver(() => Boolean, {
    description:
      'You are an admin, your organisation requires two-step verification for admins, and you have not set it up: every ' +
      'admin query and mutation answers TWO_STEP_REQUIRED until you do. False for everyone else.',
  })
  async twoStepRequiredForAdmin(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<boolean> {
    // The session lookup applied the same rule, this request (a second factor at the identity provider counts for the session only).
    if (ctx.actor?.signedInWith === 'session' && ctx.actor.userId === viewer.id) return ctx.actor.twoStepRequiredForAdmin;
    return this.policies.twoStepRequiredForAdmin(ctx.transaction, { id: viewer.id, tenantId: viewer.tenantId, role: viewer.role });
  }

  @FieldResolver(() => SecurityInfo, { description: 'Your sign-in methods, as on your security-info page.' })
  async securityInfo(@Ctx() ctx: Context): Promise<SecurityInfo> {
    const actor = requireUser(ctx);
    // The two-step status comes with the app passwords, in one statement; on the security-info page, with the session too.
    const carried = ctx.carried?.securityInfo;
    const info = carried ? securityInfoOf(carried, actor) : await readSecurityInfo(ctx.transaction, actor);
    const { twoStep } = info;
    const availableMethods: SignInMethod[] = [];
    if (!twoStep.enabled) availableMethods.push(SignInMethod.AUTHENTICATOR_APP);
    const secondFactor = hasSecondFactor({
      twoStepEnabled: twoStep.enabled,
      twoStepAtProvider: actor.signedInWith === 'session' && actor.twoStepAtProvider,
    });
    if (info.appPasswordsAllowed && (secondFactor || !info.appPasswordsRequireTwoStep)) availableMethods.push(SignInMethod.APP_PASSWORD);
    return {
      appPasswords: info.appPasswords,
      services: info.services,
      networksRequired: info.networksRequired,
      maxLifetimeDays: info.maxLifetimeDays,
      appPasswordCount: info.appPasswordCount,
      appPasswordLimit: info.appPasswordLimit,
      twoStep,
      appPasswordsEnabled: info.appPasswordsAllowed,
      appPasswordsRequireTwoStep: info.appPasswordsRequireTwoStep,
      availableMethods,
    };
  }
}
