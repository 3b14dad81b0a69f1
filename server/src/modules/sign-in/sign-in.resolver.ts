import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { AllowBeforePasswordChange } from '../../common/auth-checker.js';
import type { Context } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import type { PasswordChangeService } from '../users/password-change.service.js';
import type { UserService } from '../users/user.service.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';
import type { SessionService, SignInResult } from './session.service.js';
import {
  ChangePasswordInput,
  ChangePasswordPayload,
  CompleteSignInInput,
  ReauthenticateInput,
  ReauthenticatePayload,
  SignInInput,
  SignInPayload,
} from './sign-in.inputs.js';

@Resolver()
export class SignInResolver {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly passwordChange: PasswordChangeService,
    private readonly cookieSecure: boolean,
  ) {}

  @Mutation(() => SignInPayload, {
    description:
      'Signs in to the console with the sign-in name and primary password and sets an HttpOnly session cookie. ' +
      'A wrong name or password fails with UNAUTHENTICATED, without saying which; too many failures with RATE_LIMITED. ' +
      'For a user with two-step verification the answer is twoStepRequired: send the code with completeSignIn.',
  })
  async signIn(
    @Arg('input', () => SignInInput, { description: 'Sign-in name and primary password.' }) input: SignInInput,
    @Ctx() ctx: Context,
  ): Promise<SignInPayload> {
    if (ctx.actor && ctx.actor.signedInWith !== 'session') throw forbidden('App passwords and API tokens never open a console session.');
    const result = await this.sessions.signIn(input.email, input.password, ctx.request);
    if (ctx.actor) await this.sessions.signOut(ctx.actor);
    return this.answer(result, ctx);
  }

  @Mutation(() => SignInPayload, {
    description:
      'The second step of signIn: the code from the authenticator app, or a recovery code (each works once). ' +
      'Replaces the pending sign-in with a new session. A wrong code fails with UNAUTHENTICATED; an expired sign-in too.',
  })
  async completeSignIn(
    @Arg('input', () => CompleteSignInInput, { description: 'The two-step or recovery code.' }) input: CompleteSignInInput,
    @Ctx() ctx: Context,
  ): Promise<SignInPayload> {
    if (ctx.actor) throw forbidden('You are already signed in.');
    const pending = readSessionCookie(ctx.req, this.cookieSecure);
    return this.answer(await this.sessions.completeTwoStep(pending, input.code, ctx.request), ctx);
  }

  @Authorized()
  @AllowBeforePasswordChange()
  @Mutation(() => ReauthenticatePayload, {
    description:
      'Enter the password again to confirm it is you: creating app passwords and removing two-step verification ' +
      'need a sign-in of the last 10 minutes (REAUTHENTICATION_REQUIRED otherwise). Console sessions only.',
  })
  async reauthenticate(
    @Arg('input', () => ReauthenticateInput, { description: 'Your primary password.' }) input: ReauthenticateInput,
    @Ctx() ctx: Context,
  ): Promise<ReauthenticatePayload> {
    const actor = ctx.actor;
    if (actor?.signedInWith !== 'session') throw forbidden('Sign in to the console to do this.');
    const authenticatedAt = await this.sessions.reauthenticate(actor, input.password, ctx.request);
    actor.authenticatedAt = authenticatedAt;
    return { authenticatedAt };
  }

  @Mutation(() => Boolean, {
    description: 'Ends the current session (or a sign-in waiting for its code). Returns false when there was none.',
  })
  async signOut(@Ctx() ctx: Context): Promise<boolean> {
    if (ctx.actor && ctx.actor.signedInWith !== 'session') return false;
    const token = readSessionCookie(ctx.req, this.cookieSecure);
    clearSessionCookie(ctx.res, this.cookieSecure);
    if (ctx.actor) {
      await this.sessions.signOut(ctx.actor);
      return true;
    }
    if (token) await this.sessions.signOutToken(token);
    return false;
  }

  @Authorized()
  @AllowBeforePasswordChange()
  @Mutation(() => ChangePasswordPayload, {
    description:
      "Changes the signed-in user's primary password after checking the current one. Ends the user's other sessions and, " +
      'when the tenant policy says so, deletes their app passwords. Console sessions only.',
  })
  async changePassword(
    @Arg('input', () => ChangePasswordInput, { description: 'The current and the new password.' }) input: ChangePasswordInput,
    @Ctx() ctx: Context,
  ): Promise<ChangePasswordPayload> {
    const actor = ctx.actor;
    if (actor?.signedInWith !== 'session') throw forbidden('Sign in to the console to change your password.');
    return this.passwordChange.change(
      { userId: actor.userId, tenantId: actor.tenantId, sessionId: actor.sessionId },
      input.currentPassword,
      input.newPassword,
      ctx.request,
    );
  }

  /** Sets the cookie for the new session or pending sign-in; the rest of this request acts as the new session. */
  private async answer(result: SignInResult, ctx: Context): Promise<SignInPayload> {
    setSessionCookie(ctx.res, result.token, this.cookieSecure);
    if (result.stage === 'two_step') {
      ctx.actor = null;
      return { viewer: null, twoStepRequired: true };
    }
    // Looked up as any later request will be, so what follows in this document meets the same rules (admins' two-step too).
    const actor = await this.sessions.resolve(result.token);
    ctx.actor = actor;
    return { viewer: actor && (await this.users.viewer(ctx.transaction, actor)), twoStepRequired: false };
  }
}
