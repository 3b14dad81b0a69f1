import { Args, Ctx, FieldResolver, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { NewestFirstPageArgs, type Page } from '../../common/pagination.js';
import { requireUser } from '../../common/require-actor.js';
import { Viewer } from '../users/viewer.type.js';
import type { AuditLogService } from './audit-log.service.js';
import { SignInEntry, SignInEntryConnection } from './audit-log.types.js';

@Resolver(() => Viewer)
export class ViewerSignInsResolver {
  constructor(private readonly auditLog: AuditLogService) {}

  @FieldResolver(() => SignInEntryConnection, {
    description:
      'Your own recent sign-ins, newest first: console sign-ins (password and code steps) and every check of your app passwords, ' +
      'failures and throttling included. An app signed in with an app password sees only its own checks.',
  })
  async signIns(@Args(() => NewestFirstPageArgs) page: NewestFirstPageArgs, @Ctx() ctx: Context): Promise<Page<SignInEntry>> {
    return this.auditLog.viewerSignIns(ctx.transaction, requireUser(ctx), page);
  }
}
