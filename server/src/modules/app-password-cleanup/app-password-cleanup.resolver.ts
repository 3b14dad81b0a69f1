import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { MAX_REVOKE_UNUSED_AFTER_DAYS, MIN_REVOKE_UNUSED_AFTER_DAYS, UNUSED_NOTICE_DAYS } from '@app-passwords/schema';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import { requireActor } from '../../common/require-actor.js';
import { Role } from '../users/user.entity.js';
import type { AppPasswordCleanupService } from './app-password-cleanup.service.js';

@ObjectType({
  description:
    `What revokeUnusedAfterDays would revoke if it were set today: the app passwords whose owners the daily job would tell ` +
    `today, revoked ${UNUSED_NOTICE_DAYS} days later unless used before.`,
})
export class UnusedAppPasswordsPreview {
  @Field(() => Int, { description: 'App passwords that would be revoked on firstRevocationOn if none of them is used before.' })
  count!: number;

  @Field(() => Int, { description: 'Users who own at least one of them (each is told about each of theirs).' })
  owners!: number;

  @Field(() => String, {
    description: `The first day (UTC, YYYY-MM-DD) anything would be revoked: ${UNUSED_NOTICE_DAYS} days after today's notices.`,
  })
  firstRevocationOn!: string;
}

@Resolver()
export class AppPasswordCleanupResolver {
  constructor(private readonly cleanup: AppPasswordCleanupService) {}

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.POLICY_READ)
  @Query(() => UnusedAppPasswordsPreview, {
    description:
      'Dry run of revokeUnusedAfterDays before switching it on: how many app passwords, of how many owners, a policy of `days` ' +
      'would revoke. Admins; API tokens with policy:read.',
  })
  async unusedAppPasswordsPreview(
    @Arg('days', () => Int, {
      description: `Not used for this many days (${MIN_REVOKE_UNUSED_AFTER_DAYS}–${MAX_REVOKE_UNUSED_AFTER_DAYS}); never used: since created.`,
    })
    days: number,
    @Ctx() ctx: Context,
  ): Promise<UnusedAppPasswordsPreview> {
    return this.cleanup.preview(ctx.transaction, requireActor(ctx).tenantId, days);
  }
}
