import type { Actor, Context } from './context.js';
import { unauthenticated } from './errors.js';

/** The signed-in actor; `@Authorized()` has already refused anonymous callers, this narrows the type. */
export function requireActor(ctx: Context): Actor {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}
