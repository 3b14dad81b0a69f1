import type { DataSource } from 'typeorm';
import { FieldResolver, Resolver, Root } from 'type-graphql';
import { withTenant } from '../../db/tenant-scope.js';
import { Viewer } from '../users/viewer.type.js';
import { Tenant } from './tenant.entity.js';

/** The signed-in user's organisation. */
@Resolver(() => Viewer)
export class ViewerTenantResolver {
  constructor(private readonly db: DataSource) {}

  @FieldResolver(() => Tenant, { description: 'Your organisation.' })
  async tenant(@Root() viewer: Viewer): Promise<Tenant> {
    return withTenant(this.db, viewer.tenantId, (m) => m.findOneByOrFail(Tenant, { id: viewer.tenantId }));
  }
}
