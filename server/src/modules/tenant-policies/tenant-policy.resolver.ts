import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import { requireActor, requireUser } from '../../common/require-actor.js';
import { auditActorOf } from '../audit/audit.service.js';
import { Role } from '../users/user.entity.js';
import { TenantPolicy } from './tenant-policy.entity.js';
import { TenantPolicyChangePreview, UpdateTenantPolicyInput, UpdateTenantPolicyPayload } from './tenant-policy.inputs.js';
import type { TenantPolicyService } from './tenant-policy.service.js';

@Resolver(() => TenantPolicy)
export class TenantPolicyResolver {
  constructor(private readonly policies: TenantPolicyService) {}

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.POLICY_READ)
  @Query(() => TenantPolicy, { description: "Your tenant's app-password policy. Admins; API tokens with policy:read." })
  async tenantPolicy(@Ctx() ctx: Context): Promise<TenantPolicy> {
    return this.policies.get(ctx.transaction, requireActor(ctx).tenantId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.POLICY_READ)
  @Query(() => TenantPolicyChangePreview, { description: 'What switching app passwords off would affect, for each choice.' })
  async previewTenantPolicyChange(@Ctx() ctx: Context): Promise<TenantPolicyChangePreview> {
    return this.policies.previewSwitchOff(ctx.transaction, requireActor(ctx).tenantId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => UpdateTenantPolicyPayload, {
    description: 'Changes the policy; one audit event with before and after. Needs an admin signed in to the console.',
  })
  async updateTenantPolicy(
    @Arg('input', () => UpdateTenantPolicyInput, { description: 'The fields to change.' }) input: UpdateTenantPolicyInput,
    @Ctx() ctx: Context,
  ): Promise<UpdateTenantPolicyPayload> {
    const actor = requireUser(ctx);
    return this.policies.update(actor.tenantId, input, auditActorOf(actor), ctx.request);
  }
}
