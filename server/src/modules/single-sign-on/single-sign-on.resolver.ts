import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { requireRecentSignIn } from '../../common/recent-sign-in.js';
import { requireActor, requireUser } from '../../common/require-actor.js';
import { auditActorOf } from '../audit/audit.service.js';
import { Role } from '../users/user.entity.js';
import { Viewer } from '../users/viewer.type.js';
import {
  ConfigureIdentityProviderInput,
  ConfigureIdentityProviderPayload,
  RemoveIdentityProviderPayload,
} from './identity-provider.inputs.js';
import type { IdentityProviderService } from './identity-provider.service.js';
import type { SingleSignOnService } from './single-sign-on.service.js';
import { SignInOptions, SingleSignOn } from './single-sign-on.types.js';

@Resolver(() => Viewer)
export class SingleSignOnResolver {
  constructor(
    private readonly providers: IdentityProviderService,
    private readonly signIns: SingleSignOnService,
  ) {}

  @Query(() => SignInOptions, {
    description:
      'How a sign-in name signs in to the console: through the organisation’s identity provider, and whether the password ' +
      'form is offered. Answered by the name’s domain alone, the same for names that exist and names that do not. Not for API tokens.',
  })
  async signInOptions(
    @Arg('signInName', () => String, { description: 'The sign-in name typed on the sign-in page.' }) signInName: string,
    @Ctx() ctx: Context,
  ): Promise<SignInOptions> {
    if (ctx.actor?.signedInWith === 'api_token') throw forbidden('API tokens never sign in to the console.');
    return this.signIns.signInOptions(signInName.slice(0, 320));
  }

  @FieldResolver(() => Boolean, {
    description:
      'This session was opened through the identity provider: confirming who you are (REAUTHENTICATION_REQUIRED) goes ' +
      'through the provider again, at /auth/oidc/start?reauthenticate=1&next=<console path>.',
  })
  signedInThroughProvider(@Ctx() ctx: Context): boolean {
    return ctx.actor?.signedInWith === 'session' && ctx.actor.signedInThroughProvider;
  }

  @Authorized(Role.TENANT_ADMIN)
  @Query(() => SingleSignOn, {
    description: "Your tenant's single sign-on: provider, redirect URI, password sign-in, break-glass admins. Admins.",
  })
  async singleSignOn(@Ctx() ctx: Context): Promise<SingleSignOn> {
    return this.providers.singleSignOn(ctx.transaction, requireActor(ctx).tenantId);
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => ConfigureIdentityProviderPayload, {
    description:
      "Sets up or changes the tenant's OpenID Connect provider after checking its discovery document (issuer exactly as given, " +
      'the endpoints the code flow needs); otherwise BAD_USER_INPUT naming the field and nothing is saved. Audited without the ' +
      'secret. Needs an admin signed in to the console within the last 10 minutes.',
  })
  async configureIdentityProvider(
    @Arg('input', () => ConfigureIdentityProviderInput, { description: 'The provider.' }) input: ConfigureIdentityProviderInput,
    @Ctx() ctx: Context,
  ): Promise<ConfigureIdentityProviderPayload> {
    const actor = requireUser(ctx);
    requireRecentSignIn(actor);
    return { identityProvider: await this.providers.configure(actor.tenantId, input, auditActorOf(actor), ctx.request) };
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => RemoveIdentityProviderPayload, {
    description: 'Removes single sign-on; refused (BAD_USER_INPUT on passwordSignIn) while password sign-in is off. Audited.',
  })
  async removeIdentityProvider(@Ctx() ctx: Context): Promise<RemoveIdentityProviderPayload> {
    const actor = requireUser(ctx);
    requireRecentSignIn(actor);
    return { removed: await this.providers.remove(actor.tenantId, auditActorOf(actor), ctx.request) };
  }
}
