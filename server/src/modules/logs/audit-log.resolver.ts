import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { RequireScope } from '../../common/auth-checker.js';
import { ApiScope, type Context } from '../../common/context.js';
import type { Page } from '../../common/pagination.js';
import { requireActor } from '../../common/require-actor.js';
import { Role } from '../users/user.entity.js';
import type { AuditLogService } from './audit-log.service.js';
import {
  AuditEntry,
  AuditEntryConnection,
  AuditEventsArgs,
  SignInActivityArgs,
  SignInDay,
  SignInEntry,
  SignInEntryConnection,
  SignInEventsArgs,
} from './audit-log.types.js';

const AUDIT_ENTRIES = "The tenant's audit trail, newest first. Admins; API tokens with audit:read.";
const SIGN_IN_ENTRIES =
  "Sign-in attempts of the tenant's users, newest first: app-password checks and console sign-ins (filter by method). " +
  'Admins; API tokens with audit:read.';

@Resolver()
export class AuditLogResolver {
  constructor(private readonly auditLog: AuditLogService) {}

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.AUDIT_READ)
  @Query(() => AuditEntryConnection, { description: AUDIT_ENTRIES })
  async auditEntries(@Args(() => AuditEventsArgs) { filter, ...page }: AuditEventsArgs, @Ctx() ctx: Context): Promise<Page<AuditEntry>> {
    return this.auditLog.auditEvents(ctx.transaction, requireActor(ctx), filter, page);
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.AUDIT_READ)
  @Query(() => AuditEntryConnection, {
    description: AUDIT_ENTRIES,
    deprecationReason: 'Use auditEntries: the same arguments and result, named like its type.',
  })
  async auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() ctx: Context): Promise<Page<AuditEntry>> {
    return this.auditEntries(args, ctx);
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.AUDIT_READ)
  @Query(() => SignInEntryConnection, { description: SIGN_IN_ENTRIES })
  async signInEntries(
    @Args(() => SignInEventsArgs) { filter, ...page }: SignInEventsArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<SignInEntry>> {
    return this.auditLog.signInEvents(ctx.transaction, requireActor(ctx), filter, page);
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.AUDIT_READ)
  @Query(() => SignInEntryConnection, {
    description: SIGN_IN_ENTRIES,
    deprecationReason: 'Use signInEntries: the same arguments and result, named like its type.',
  })
  async signInEvents(@Args(() => SignInEventsArgs) args: SignInEventsArgs, @Ctx() ctx: Context): Promise<Page<SignInEntry>> {
    return this.signInEntries(args, ctx);
  }

  @Authorized(Role.TENANT_ADMIN)
  @RequireScope(ApiScope.AUDIT_READ)
  @Query(() => [SignInDay], {
    description: "App-password sign-in attempts of the tenant's users per day, oldest day first. Admins; API tokens with audit:read.",
  })
  async signInActivity(
    @Args(() => SignInActivityArgs) { days, timeZone, service }: SignInActivityArgs,
    @Ctx() ctx: Context,
  ): Promise<SignInDay[]> {
    return this.auditLog.signInActivity(ctx.transaction, requireActor(ctx), days, timeZone, service);
  }
}
