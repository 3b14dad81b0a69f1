import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { notFound } from '../../common/errors.js';
import { Viewer } from '../users/viewer.type.js';
import { Tenant } from './tenant.entity.js';

/** The signed-in user's organisation. */
@Resolver(() => Viewer)
export class ViewerTenantResolver {
  @FieldResolver(() => Tenant, { description: 'Your organisation.' })
  async tenant(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Pick<Tenant, 'id' | 'name'>> {
    // A console session found the organisation's name with the session.
    if (viewer.tenantName !== undefined) return { id: viewer.tenantId, name: viewer.tenantName };
    // Plain SQL: on every console page load, and TypeORM's query building and hydration cost more than the read.
    const [row]: Array<{ id: string; name: string }> = await ctx.transaction.read(viewer.tenantId, (m) =>
      m.query('SELECT id, name FROM tenants WHERE id = $1', [viewer.tenantId]),
    );
    if (!row) throw notFound('Tenant');
    return row;
  }
}
