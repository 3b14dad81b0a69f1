import { Arg, Args, Ctx, FieldResolver, Resolver } from 'type-graphql';
import { AuditAction } from '../audit/audit-event.entity.js';
import type { Context } from '../../common/context.js';
import { NewestFirstPageArgs, type Page } from '../../common/pagination.js';
import { requireUser } from '../../common/require-actor.js';
import { Viewer } from '../users/viewer.type.js';
import type { AuditLogService } from './audit-log.service.js';
import { AuditEntry, AuditEntryConnection, SignInEntry, SignInEntryConnection } from './audit-log.types.js';

@Resolver(() => Viewer)
export class ViewerSignInsResolver {
  constructor(private readonly auditLog: AuditLogService) {}

  @FieldResolver(() => SignInEntryConnection, {
    description:
      'Your own recent sign-ins, newest first: console sign-ins (password and code steps, single sign-on) and every check of your app passwords, ' +
      'failures and throttling included. An app signed in with an app password sees only its own checks.',
  })
  async signIns(@Args(() => NewestFirstPageArgs) page: NewestFirstPageArgs, @Ctx() ctx: Context): Promise<Page<SignInEntry>> {
    return this.auditLog.viewerSignIns(ctx.transaction, requireUser(ctx), page);
  }

  @FieldResolver(() => AuditEntryConnection, {
    description:
      'What was done to your account and your app passwords, newest first, by you, an admin or the system: e.g. an app ' +
      'password used from a new network (APP_PASSWORD_USED_FROM_NEW_NETWORK) or revoked by an admin. An app signed in with ' +
      'an app password sees only that app password’s events.',
  })
  async accountActivity(
    @Arg('actionKind', () => AuditAction, { nullable: true, description: 'Only this action.' }) actionKind: AuditAction | undefined,
    @Args(() => NewestFirstPageArgs) page: NewestFirstPageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<AuditEntry>> {
    return this.auditLog.viewerActivity(ctx.transaction, requireUser(ctx), actionKind ?? undefined, page);
  }
}
