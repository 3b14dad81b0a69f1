import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { Role } from '../users/user.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import type { WebhookService } from './webhook.service.js';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointPayload,
  RotateWebhookSecretPayload,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesArgs,
  WebhookDelivery,
  WebhookDeliveryIdArgs,
  WebhookEndpointIdArgs,
} from './webhook.types.js';

/** Webhook endpoints are managed by an admin signed in to the console, like API tokens: a token never sees a signing secret. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Authorized(Role.TENANT_ADMIN)
  @Query(() => [WebhookEndpoint], { description: "The tenant's webhook endpoints, oldest first." })
  async webhookEndpoints(@Ctx() ctx: Context): Promise<WebhookEndpoint[]> {
    return this.webhooks.list(ctx.transaction, requireUser(ctx));
  }

  @Authorized(Role.TENANT_ADMIN)
  @Query(() => [WebhookDelivery], { description: "An endpoint's deliveries, newest first (kept 30 days once delivered or failed)." })
  async webhookDeliveries(@Args(() => WebhookDeliveriesArgs) { endpointId, first }: WebhookDeliveriesArgs, @Ctx() ctx: Context) {
    return this.webhooks.deliveries(ctx.transaction, requireUser(ctx), endpointId, first ?? 20);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => CreateWebhookEndpointPayload, {
    description: 'Adds a webhook endpoint; the payload is the only place its secret appears.',
  })
  async createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput, { description: 'Its URL, description and events.' }) input: CreateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<CreateWebhookEndpointPayload> {
    const created = await this.webhooks.create(requireUser(ctx), input, ctx.request);
    ctx.res.setHeader('Cache-Control', 'no-store');
    return created;
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => WebhookEndpoint, { description: "Changes a webhook endpoint's URL, description, events, or switches it off or on." })
  async updateWebhookEndpoint(
    @Arg('input', () => UpdateWebhookEndpointInput, { description: 'The endpoint and what changes.' }) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.update(requireUser(ctx), input, ctx.request);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => DeleteWebhookEndpointPayload, { description: 'Removes a webhook endpoint with its deliveries, sent or not.' })
  async deleteWebhookEndpoint(@Args(() => WebhookEndpointIdArgs) { id }: WebhookEndpointIdArgs, @Ctx() ctx: Context) {
    return { deletedId: await this.webhooks.delete(requireUser(ctx), id, ctx.request) };
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => RotateWebhookSecretPayload, {
    description: 'A new signing secret, returned only here; the previous one keeps signing beside it for 24 hours.',
  })
  async rotateWebhookSecret(@Args(() => WebhookEndpointIdArgs) { id }: WebhookEndpointIdArgs, @Ctx() ctx: Context) {
    const rotated = await this.webhooks.rotateSecret(requireUser(ctx), id, ctx.request);
    ctx.res.setHeader('Cache-Control', 'no-store');
    return rotated;
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => WebhookDelivery, {
    description: 'Sends a delivery again now, with the same webhook-id, and retries it for another 24 hours.',
  })
  async resendWebhookDelivery(@Args(() => WebhookDeliveryIdArgs) { id }: WebhookDeliveryIdArgs, @Ctx() ctx: Context) {
    return this.webhooks.resend(requireUser(ctx), id, ctx.request);
  }
}
