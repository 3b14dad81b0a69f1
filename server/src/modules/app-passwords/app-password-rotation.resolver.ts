import { Args, Authorized, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import { AppPassword } from './app-password.entity.js';
import { DeleteAppPasswordArgs } from './app-password.inputs.js';
import { ROTATION_OVERLAP_HOURS, type AppPasswordRotationService } from './app-password-rotation.service.js';

@ObjectType({ description: 'The rotated app password, with its new secret.' })
export class RotateAppPasswordPayload {
  @Field(() => AppPassword, { description: 'The app password as securityInfo lists it now: the same id, rotatingUntil set.' })
  appPassword!: AppPassword;

  @Field(() => String, {
    description:
      'The new secret: 28 lowercase letters. Returned only here, never again. Show it in groups of four; apps may send it ' +
      'with or without spaces, in any case.',
  })
  password!: string;
}

@Resolver(() => AppPassword)
export class AppPasswordRotationResolver {
  constructor(private readonly rotation: AppPasswordRotationService) {}

  @Authorized()
  @Mutation(() => RotateAppPasswordPayload, {
    description:
      'Gives one of your app passwords a new secret; its id, name, services, networks and expiry stay. The previous secret ' +
      `keeps working until an app first signs in with the new one, or for ${ROTATION_OVERLAP_HOURS} hours, whichever comes ` +
      'first (AppPassword.rotatingUntil), so apps switch without a gap. Rotating again meanwhile replaces the unused new ' +
      'secret and keeps the previous one. Audited. Needs a console session with a recent sign-in, as creating does; ' +
      "an expired app password: APP_PASSWORD_EXPIRED; anyone else's: NOT_FOUND.",
  })
  async rotateAppPassword(
    @Args(() => DeleteAppPasswordArgs) { id }: DeleteAppPasswordArgs,
    @Ctx() ctx: Context,
  ): Promise<RotateAppPasswordPayload> {
    const rotated = await this.rotation.rotate(requireUser(ctx), id, ctx.request);
    ctx.res.setHeader('Cache-Control', 'no-store');
    return rotated;
  }
}
