import type { DataSource } from 'typeorm';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { loadViewer } from '../users/viewer.resolver.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import type { SessionService } from './session.service.js';
import { ChangePasswordInput, ChangePasswordPayload, SignInInput, SignInPayload } from './sign-in.inputs.js';
import { changePrimaryPassword } from '../users/password-change.js';

@Resolver()
export class SignInResolver {
  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly cookieSecure: boolean,
  ) {}

  @Mutation(() => SignInPayload, {
    description:
      'Signs in to the console with the sign-in name and primary password and sets an HttpOnly session cookie. ' +
      'A wrong name or password fails with UNAUTHENTICATED, without saying which.',
  })
  async signIn(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() ctx: Context): Promise<SignInPayload> {
    if (ctx.actor && ctx.actor.signedInWith !== 'session') throw forbidden('App passwords and API tokens never open a console session.');
    const { token, session, user } = await this.sessions.signIn(input.email, input.password, ctx.request);
    if (ctx.actor) await this.sessions.signOut(ctx.actor.sessionId);
    setSessionCookie(ctx.res, token, this.cookieSecure);
    // The rest of this request (e.g. `viewer { securityInfo }` in the payload) acts as the new session.
    ctx.actor = { userId: user.id, tenantId: user.tenantId, role: user.role, signedInWith: 'session', sessionId: session.id };
    const viewer = await loadViewer(this.db, user.id, user.tenantId);
    return { viewer: viewer! };
  }

  @Mutation(() => Boolean, { description: 'Ends the current session. Returns false when there was none.' })
  async signOut(@Ctx() ctx: Context): Promise<boolean> {
    if (ctx.actor && ctx.actor.signedInWith !== 'session') return false;
    clearSessionCookie(ctx.res, this.cookieSecure);
    if (!ctx.actor) return false;
    await this.sessions.signOut(ctx.actor.sessionId);
    return true;
  }

  @Authorized()
  @Mutation(() => ChangePasswordPayload, {
    description:
      "Changes the signed-in user's primary password after checking the current one. Ends the user's other sessions and, " +
      'when the tenant policy says so, deletes their app passwords. Console sessions only.',
  })
  async changePassword(
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
    @Ctx() ctx: Context,
  ): Promise<ChangePasswordPayload> {
    const actor = ctx.actor;
    if (actor?.signedInWith !== 'session') throw forbidden('Sign in to the console to change your password.');
    return changePrimaryPassword(
      this.db,
      { userId: actor.userId, tenantId: actor.tenantId, sessionId: actor.sessionId },
      input.currentPassword,
      input.newPassword,
      ctx.request,
    );
  }
}
