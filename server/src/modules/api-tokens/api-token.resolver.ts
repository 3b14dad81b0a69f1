import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { Role } from '../users/user.entity.js';
import { ApiToken } from './api-token.entity.js';
import { ApiTokenIdArgs, CreateApiTokenInput, CreateApiTokenPayload, RevokeApiTokenPayload } from './api-token.inputs.js';
import type { ApiTokenService } from './api-token.service.js';

/** Tokens are managed only by an admin signed in to the console: a token can never mint or see tokens. */
@Resolver(() => ApiToken)
export class ApiTokenResolver {
  constructor(private readonly tokens: ApiTokenService) {}

  @Authorized(Role.TENANT_ADMIN)
  @Query(() => [ApiToken], { description: "The tenant's API tokens, newest first." })
  async apiTokens(@Ctx() ctx: Context): Promise<ApiToken[]> {
    return this.tokens.list(ctx.transaction, requireUser(ctx));
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token; the payload is the only place the token appears.' })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput, { description: 'Its name, scopes and lifetime.' }) input: CreateApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiTokenPayload> {
    const created = await this.tokens.create(requireUser(ctx), input, ctx.request);
    ctx.res.setHeader('Cache-Control', 'no-store');
    return created;
  }

  @Authorized(Role.TENANT_ADMIN)
  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes an API token at once.' })
  async revokeApiToken(@Args(() => ApiTokenIdArgs) { id }: ApiTokenIdArgs, @Ctx() ctx: Context): Promise<RevokeApiTokenPayload> {
    return { revokedId: await this.tokens.revoke(requireUser(ctx), id, ctx.request) };
  }
}
