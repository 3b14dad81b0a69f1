import type { DataSource } from 'typeorm';
import { withTenant } from '../../db/tenant-scope.js';
import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import { requireActor } from '../../common/require-actor.js';
import { Role } from '../users/user.entity.js';
import { AppPassword } from './app-password.entity.js';
import { EXACT_COUNT_LIMIT, type AppPasswordInventoryService } from './app-password-inventory.service.js';
import {
  AppPasswordConnection,
  AppPasswordOwner,
  AppPasswordsArgs,
  RevokeAppPasswordsInput,
  RevokeAppPasswordsPayload,
} from './app-password-inventory.types.js';

@Resolver(() => AppPasswordConnection)
export class AppPasswordInventoryResolver {
  constructor(private readonly inventory: AppPasswordInventoryService) {}

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.APP_PASSWORDS_READ)
  @Query(() => AppPasswordConnection, {
    description: 'Every app password of the tenant, with its owner. Admins; API tokens with app_passwords:read.',
  })
  async appPasswords(@Args(() => AppPasswordsArgs) args: AppPasswordsArgs, @Ctx() ctx: Context): Promise<AppPasswordConnection> {
    return this.inventory.list(requireActor(ctx), args.filter, args.orderBy, args.first, args.after);
  }

  @FieldResolver(() => Int, {
    description: `How many match the filter, counted only when asked: exact up to ${EXACT_COUNT_LIMIT.toLocaleString('en')}, above that PostgreSQL's estimate (see totalCountIsEstimate).`,
  })
  async totalCount(@Root() connection: AppPasswordConnection): Promise<number> {
    return (await connection.count()).value;
  }

  @FieldResolver(() => Boolean, { description: 'True when totalCount is an estimate (more than 10,000 matches).' })
  async totalCountIsEstimate(@Root() connection: AppPasswordConnection): Promise<boolean> {
    return (await connection.count()).estimate;
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.APP_PASSWORDS_REVOKE)
  @Mutation(() => RevokeAppPasswordsPayload, {
    description:
      'Revokes app passwords of the tenant: by id, all of some users, or all matching a filter. One transaction, one audit event each. ' +
      'Admins; API tokens with app_passwords:revoke.',
  })
  async revokeAppPasswords(
    @Arg('input', () => RevokeAppPasswordsInput, { description: 'Which app passwords, and why.' }) input: RevokeAppPasswordsInput,
    @Ctx() ctx: Context,
  ): Promise<RevokeAppPasswordsPayload> {
    return this.inventory.revoke(requireActor(ctx), input, ctx.request);
  }
}

/** `AppPassword.owner`: already joined in the inventory; loaded by id elsewhere. */
@Resolver(() => AppPassword)
export class AppPasswordOwnerResolver {
  constructor(private readonly db: DataSource) {}

  @FieldResolver(() => AppPasswordOwner, { description: 'Whose app password it is.' })
  async owner(@Root() appPassword: AppPassword & { owner?: AppPasswordOwner }): Promise<AppPasswordOwner> {
    if (appPassword.owner) return appPassword.owner;
    const [owner] = await withTenant(this.db, appPassword.tenantId, (m) =>
      m.query('SELECT id, email, display_name AS "displayName" FROM users WHERE id = $1 AND tenant_id = $2', [
        appPassword.userId,
        appPassword.tenantId,
      ]),
    );
    return owner;
  }
}
