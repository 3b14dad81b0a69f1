import type { Actor, Context, UserActor } from './context.js';
import { forbidden, unauthenticated } from './errors.js';

/** The signed-in actor; `@Authorized()` has already refused anonymous callers, this narrows the type. */
export function requireActor(ctx: Context): Actor {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}

/** A person (not an API token): for what only makes sense for someone's own account. */
export function requireUser(ctx: Context): UserActor {
  const actor = requireActor(ctx);
  if (actor.signedInWith === 'api_token') throw forbidden('API tokens act for the tenant, not for a user.');
  return actor;
}
