import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import { requireActor, requireUser } from '../../common/require-actor.js';
import type { Page } from '../../common/pagination.js';
import { Role, UserStatus } from './user.entity.js';
import type { TwoStepResetService } from '../two-step/two-step-reset.service.js';
import type { UserAdminService } from './user-admin.service.js';
import type { UserLifecycleService } from './user-lifecycle.service.js';
import { auditActorOf } from '../audit/audit.service.js';
import {
  ChangeUserRoleInput,
  CreateUserInput,
  CreateUserPayload,
  DeleteUserInput,
  DeleteUserPayload,
  InitialPassword,
  UpdateUserInput,
} from './user-lifecycle.types.js';
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
    private readonly lifecycle: UserLifecycleService,
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

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => CreateUserPayload, {
    description:
      'Creates a user of your tenant, with a one-time password returned once (they choose their own at their first sign-in) ' +
      'or none (single sign-on only). A sign-in name already in use answers ALREADY_EXISTS. Needs an admin signed in to the console.',
  })
  async createUser(
    @Arg('input', () => CreateUserInput, { description: 'Who the new user is.' }) input: CreateUserInput,
    @Ctx() ctx: Context,
  ): Promise<CreateUserPayload> {
    const actor = requireUser(ctx);
    const { user, initialPassword } = await this.lifecycle.createUser(actor.tenantId, auditActorOf(actor), {
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      password: input.password === InitialPassword.GENERATE ? 'generate' : 'none',
      request: ctx.request,
    });
    return { user: await this.userAdmin.get(ctx.transaction, actor, user.id), initialPassword: initialPassword ?? null };
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => User, {
    description: "Changes a user's role; the tenant's last active admin stays one (LAST_ADMIN). Needs an admin signed in to the console.",
  })
  async changeUserRole(
    @Arg('input', () => ChangeUserRoleInput, { description: 'The user and their new role.' }) input: ChangeUserRoleInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    const actor = requireUser(ctx);
    await this.lifecycle.changeUserRole(actor.tenantId, auditActorOf(actor), input.userId, input.role, ctx.request);
    return this.userAdmin.get(ctx.transaction, actor, input.userId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => User, {
    description:
      "Changes a user's sign-in name or display name. A sign-in name already in use answers ALREADY_EXISTS; a user " +
      'provisioned by the identity provider (origin SCIM) is renamed there, not here (BAD_USER_INPUT). Needs an admin signed in to the console.',
  })
  async updateUser(
    @Arg('input', () => UpdateUserInput, { description: 'The user and what changes.' }) input: UpdateUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    const actor = requireUser(ctx);
    await this.lifecycle.updateUser(
      actor.tenantId,
      auditActorOf(actor),
      input.userId,
      { email: input.email ?? undefined, displayName: input.displayName ?? undefined },
      ctx.request,
    );
    return this.userAdmin.get(ctx.transaction, actor, input.userId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => DeleteUserPayload, {
    description:
      'Deletes a user of your tenant: their app passwords are revoked (audited one by one), their sessions end, and the ' +
      'audit trail keeps their name. Not yourself, not the last active admin (LAST_ADMIN). Needs an admin signed in to the console.',
  })
  async deleteUser(
    @Arg('input', () => DeleteUserInput, { description: 'The user to delete.' }) input: DeleteUserInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteUserPayload> {
    const actor = requireUser(ctx);
    const deleted = await this.lifecycle.deleteUser(actor.tenantId, auditActorOf(actor), input.userId, ctx.request);
    return {
      deletedUserId: deleted.user.id,
      revokedAppPasswords: deleted.revokedAppPasswords,
      signedOutSessions: deleted.signedOutSessions,
    };
  }

  private async change(ctx: Context, id: string, status: UserStatus): Promise<User> {
    const actor = requireUser(ctx);
    await this.userAdmin.setStatus(actor, id, status, ctx.request);
    return this.userAdmin.get(ctx.transaction, actor, id);
  }
}
