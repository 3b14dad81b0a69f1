import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import type { UserService } from './user.service.js';
import { Viewer } from './viewer.type.js';

/**
 * The signed-in user. Other modules add what they own to it: their tenant
 * (tenants), recent sign-ins (audit), sign-in methods (security-info).
 */
@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => Viewer, { nullable: true, description: 'The signed-in user; null when not signed in.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer | null> {
    // An API token acts for the tenant, not a person: it has no viewer.
    return ctx.actor && ctx.actor.signedInWith !== 'api_token' ? this.users.viewer(ctx.transaction, ctx.actor) : null;
  }
}
