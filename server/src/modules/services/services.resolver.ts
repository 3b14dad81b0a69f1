import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireActor, requireUser } from '../../common/require-actor.js';
import { auditActorOf } from '../audit/audit.service.js';
import { Role } from '../users/user.entity.js';
import type { ServiceCatalogService } from './service-catalog.service.js';
import { AddServiceInput, RemoveServiceInput, RemoveServicePayload, RenameServiceInput, Service, ServicePayload } from './service.type.js';

@Resolver(() => Service)
export class ServicesResolver {
  constructor(private readonly catalog: ServiceCatalogService) {}

  @Authorized()
  @Query(() => [Service], {
    description: "Your organisation's services, in its order, with the ones app passwords may be used for marked allowed.",
  })
  async services(@Ctx() ctx: Context): Promise<Service[]> {
    return this.catalog.list(ctx.transaction, requireActor(ctx).tenantId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => ServicePayload, { description: 'Adds a service (allowed from now on); audited. Admins in the console.' })
  async addService(
    @Arg('input', () => AddServiceInput, { description: 'The new service.' }) input: AddServiceInput,
    @Ctx() ctx: Context,
  ): Promise<ServicePayload> {
    const actor = requireUser(ctx);
    return { service: await this.catalog.add(actor.tenantId, input, auditActorOf(actor), ctx.request) };
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => ServicePayload, { description: 'Renames a service (its key stays); audited. Admins in the console.' })
  async renameService(
    @Arg('input', () => RenameServiceInput, { description: 'The service and its new names.' }) input: RenameServiceInput,
    @Ctx() ctx: Context,
  ): Promise<ServicePayload> {
    const actor = requireUser(ctx);
    return { service: await this.catalog.rename(actor.tenantId, input, auditActorOf(actor), ctx.request) };
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => RemoveServicePayload, {
    description:
      'Removes a service from the tenant and from every app password that had it, at once (checks for it are refused from the ' +
      'next request); audited. The last allowed service cannot go. Admins in the console.',
  })
  async removeService(
    @Arg('input', () => RemoveServiceInput, { description: 'The service to remove.' }) input: RemoveServiceInput,
    @Ctx() ctx: Context,
  ): Promise<RemoveServicePayload> {
    const actor = requireUser(ctx);
    return this.catalog.remove(actor.tenantId, input.key, auditActorOf(actor), ctx.request);
  }
}
