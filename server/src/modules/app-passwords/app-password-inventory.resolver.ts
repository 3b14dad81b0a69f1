import DataLoader from 'dataloader';
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
  LimitAppPasswordsToUsedServicesInput,
  LimitAppPasswordsToUsedServicesPayload,
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
    return this.inventory.list(ctx.transaction, requireActor(ctx), args.filter, args.orderBy, args.first, args.after);
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

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => LimitAppPasswordsToUsedServicesPayload, {
    description:
      'Limits app passwords of the tenant to the services they were used for in the last 30 days, where that is fewer than ' +
      'they allow (filter allowsMoreThanUsed shows which). Dry run first; one transaction, one audit event each. Admins in the console.',
  })
  async limitAppPasswordsToUsedServices(
    @Arg('input', () => LimitAppPasswordsToUsedServicesInput, { description: 'Which app passwords.' })
    input: LimitAppPasswordsToUsedServicesInput,
    @Ctx() ctx: Context,
  ): Promise<LimitAppPasswordsToUsedServicesPayload> {
    return this.inventory.limitToUsedServices(requireActor(ctx), input, ctx.request);
  }
}

/**
 * `AppPassword.owner`: already joined in the inventory; elsewhere (the
 * security-info list, the current app password) the owners a request asks
 * for are read together, in one query per request whatever the list's length.
 */
@Resolver(() => AppPassword)
export class AppPasswordOwnerResolver {
  private readonly owners = new WeakMap<Context, DataLoader<{ tenantId: string; userId: string }, AppPasswordOwner, string>>();

  @FieldResolver(() => AppPasswordOwner, { description: 'Whose app password it is.' })
  async owner(@Root() appPassword: AppPassword & { owner?: AppPasswordOwner }, @Ctx() ctx: Context): Promise<AppPasswordOwner> {
    if (appPassword.owner) return appPassword.owner;
    return this.ownersOf(ctx).load({ tenantId: appPassword.tenantId, userId: appPassword.userId });
  }

  /** This request's loader (a request reads one tenant, so the tenant of the first key is the tenant of all). */
  private ownersOf(ctx: Context): DataLoader<{ tenantId: string; userId: string }, AppPasswordOwner, string> {
    let loader = this.owners.get(ctx);
    if (!loader) {
      loader = new DataLoader(
        async (keys) => {
          const tenantId = keys[0]!.tenantId;
          const rows: AppPasswordOwner[] = await ctx.transaction.read(tenantId, (m) =>
            m.query('SELECT id, email, display_name AS "displayName" FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [
              tenantId,
              keys.map((key) => key.userId),
            ]),
          );
          const byId = new Map(rows.map((row) => [row.id, row]));
          return keys.map((key) => byId.get(key.userId) ?? new Error('The owner of this app password is gone.'));
        },
        { cacheKeyFn: (key) => `${key.tenantId}/${key.userId}` },
      );
      this.owners.set(ctx, loader);
    }
    return loader;
  }
}
