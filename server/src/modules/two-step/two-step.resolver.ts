import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { requireUser } from '../../common/require-actor.js';
import type { TwoStepService } from './two-step.service.js';
import {
  ConfirmTwoStepEnrollmentInput,
  ConfirmTwoStepEnrollmentPayload,
  RecoveryCodesPayload,
  RemoveTwoStepVerificationInput,
  RemoveTwoStepVerificationPayload,
  TwoStepEnrollment,
} from './two-step.types.js';

@Resolver()
export class TwoStepResolver {
  constructor(private readonly twoStep: TwoStepService) {}

  @Authorized()
  @Mutation(() => TwoStepEnrollment, {
    description:
      'Starts setting up an authenticator app: a new key, its URI and QR code. Nothing changes until confirmTwoStepEnrollment. ' +
      'Console sessions only; needs a sign-in of the last 10 minutes.',
  })
  async startTwoStepEnrollment(@Ctx() ctx: Context): Promise<TwoStepEnrollment> {
    return this.twoStep.startEnrollment(requireUser(ctx));
  }

  @Authorized()
  @Mutation(() => ConfirmTwoStepEnrollmentPayload, {
    description:
      'Turns two-step verification on with the code the new app shows, and returns ten recovery codes, once. ' +
      'Signs out your other sessions. Needs a sign-in of the last 10 minutes.',
  })
  async confirmTwoStepEnrollment(
    @Arg('input', () => ConfirmTwoStepEnrollmentInput, { description: 'The code the new app shows.' }) input: ConfirmTwoStepEnrollmentInput,
    @Ctx() ctx: Context,
  ): Promise<ConfirmTwoStepEnrollmentPayload> {
    return this.twoStep.confirmEnrollment(requireUser(ctx), input.code, ctx.request);
  }

  @Authorized()
  @Mutation(() => RecoveryCodesPayload, {
    description: 'Ten new recovery codes, shown once; the old ones stop working. Needs a sign-in of the last 10 minutes.',
  })
  async regenerateRecoveryCodes(@Ctx() ctx: Context): Promise<RecoveryCodesPayload> {
    return { recoveryCodes: await this.twoStep.regenerateRecoveryCodes(requireUser(ctx), ctx.request) };
  }

  @Authorized()
  @Mutation(() => RemoveTwoStepVerificationPayload, {
    description:
      'Removes the authenticator app and the recovery codes. Needs a sign-in of the last 10 minutes. While the organisation ' +
      'requires two-step verification for app passwords, it fails with TWO_STEP_NEEDED_BY_APP_PASSWORDS if you have any, ' +
      'unless deleteAppPasswords deletes them with it.',
  })
  async removeTwoStepVerification(
    @Arg('input', () => RemoveTwoStepVerificationInput, { nullable: true, description: 'Options; may be left out.' })
    input: RemoveTwoStepVerificationInput | undefined,
    @Ctx() ctx: Context,
  ): Promise<RemoveTwoStepVerificationPayload> {
    return this.twoStep.remove(requireUser(ctx), input?.deleteAppPasswords ?? false, ctx.request);
  }
}
