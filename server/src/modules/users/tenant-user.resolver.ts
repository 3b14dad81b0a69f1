import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import { requireActor, requireUser } from '../../common/require-actor.js';
import type { Page } from '../../common/pagination.js';
import { Role, UserStatus } from './user.entity.js';
import type { TwoStepResetService } from '../two-step/two-step-reset.service.js';
import type { UserAdminService } from './user-admin.service.js';
import {
  ResetTwoStepVerificationInput,
  ResetTwoStepVerificationPayload,
  User,
  UserConnection,
  UserIdArgs,
  UsersArgs,
} from './tenant-user.type.js';

@Resolver(() => User)
export class TenantUserResolver {
  constructor(
    private readonly userAdmin: UserAdminService,
    private readonly twoStepReset: TwoStepResetService,
  ) {}

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.USERS_READ)
  @Query(() => UserConnection, { description: "The tenant's users by sign-in name. Admins; API tokens with users:read." })
  async users(@Args(() => UsersArgs) { filter, first, after }: UsersArgs, @Ctx() ctx: Context): Promise<Page<User>> {
    return this.userAdmin.list(ctx.transaction, requireActor(ctx), filter ?? {}, first, after);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => User, {
    description:
      'Disables a user: their sessions end and their app passwords are refused at once. Needs an admin signed in to the console.',
  })
  async disableUser(@Args(() => UserIdArgs) { id }: UserIdArgs, @Ctx() ctx: Context): Promise<User> {
    return this.change(ctx, id, UserStatus.DISABLED);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => User, { description: 'Enables a disabled user again. Needs an admin signed in to the console.' })
  async enableUser(@Args(() => UserIdArgs) { id }: UserIdArgs, @Ctx() ctx: Context): Promise<User> {
    return this.change(ctx, id, UserStatus.ACTIVE);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => ResetTwoStepVerificationPayload, {
    description:
      'For a user locked out of their second factor: removes their authenticator app and recovery codes and signs them out ' +
      'everywhere; they sign in with their password and set up a new app. Needs an admin signed in to the console with ' +
      'two-step verification and a sign-in of the last 10 minutes; not for your own (removeTwoStepVerification is).',
  })
  async resetTwoStepVerification(
    @Arg('input', () => ResetTwoStepVerificationInput, { description: 'The user, and whether to delete their app passwords.' })
    input: ResetTwoStepVerificationInput,
    @Ctx() ctx: Context,
  ): Promise<ResetTwoStepVerificationPayload> {
    const actor = requireUser(ctx);
    const reset = await this.twoStepReset.resetByAdmin(actor, input.userId, input.deleteAppPasswords, ctx.request);
    return { ...reset, user: await this.userAdmin.get(ctx.transaction, actor, input.userId) };
  }

  private async change(ctx: Context, id: string, status: UserStatus): Promise<User> {
    const actor = requireUser(ctx);
    await this.userAdmin.setStatus(actor, id, status, ctx.request);
    return this.userAdmin.get(ctx.transaction, actor, id);
  }
}
