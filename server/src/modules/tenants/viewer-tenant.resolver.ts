import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { Viewer } from '../users/viewer.type.js';
import { Tenant } from './tenant.entity.js';

/** The signed-in user's organisation. */
@Resolver(() => Viewer)
export class ViewerTenantResolver {
  @FieldResolver(() => Tenant, { description: 'Your organisation.' })
  async tenant(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Tenant> {
    return ctx.transaction.read(viewer.tenantId, (m) => m.findOneByOrFail(Tenant, { id: viewer.tenantId }));
  }
}
