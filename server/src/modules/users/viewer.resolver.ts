import { Arg, Authorized, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { Language } from './language.js';
import type { UserService } from './user.service.js';
import { Viewer } from './viewer.type.js';

@ObjectType({ description: 'The language saved by setMyLanguage.' })
export class SetMyLanguagePayload {
  @Field(() => Language, { description: 'The language of your console and mails from now on.' })
  language!: Language;
}

/**
 * The signed-in user. Other modules add what they own to it: their tenant
 * (tenants), recent sign-ins (audit), sign-in methods (security-info).
 */
@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => Viewer, { nullable: true, description: 'The signed-in user; null when not signed in.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer | null> {
    // An API token acts for the tenant, not a person: it has no viewer.
    return ctx.actor && ctx.actor.signedInWith !== 'api_token' ? this.users.viewer(ctx.transaction, ctx.actor) : null;
  }

  @FieldResolver(() => Language, {
    description: 'The language your notification mails are in (and the console, once you chose it there); EN until you choose.',
  })
  async language(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Language> {
    return (await this.users.language(ctx.transaction, viewer)).language;
  }

  @FieldResolver(() => Language, {
    nullable: true,
    description:
      'The language you chose in the console (its language switch saves it with setMyLanguage); the console shows in it ' +
      'once you sign in. Null until you choose: the console then follows your browser, and your mails are in `language`.',
  })
  async chosenLanguage(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Language | null> {
    return viewer.chosenLanguage !== undefined ? viewer.chosenLanguage : (await this.users.language(ctx.transaction, viewer)).chosen;
  }

  @Authorized()
  @Mutation(() => SetMyLanguagePayload, {
    description:
      'Saves the language of your console and your notification mails (the console’s language switch sends it); audited when ' +
      'it changes. Needs a console session.',
  })
  async setMyLanguage(
    @Arg('language', () => Language, { description: 'English or Dutch.' }) language: Language,
    @Ctx() ctx: Context,
  ): Promise<SetMyLanguagePayload> {
    return { language: await this.users.setLanguage(requireUser(ctx), language, ctx.request) };
  }
}
