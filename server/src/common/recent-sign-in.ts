import type { UserActor } from './context.js';
import { forbidden, reauthenticationRequired } from './errors.js';

/** How long a sign-in counts as recent for sensitive changes (app passwords, setting up or removing two-step verification). */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/**
 * Sensitive changes need a console session whose user proved who they are
 * within the last 10 minutes (signing in, or entering the password again with
 * `reauthenticate`), so a session left open on a shared computer cannot mint
 * app passwords, strip two-step verification, or set up an authenticator app
 * of its own (and so lock the real user out).
 */
export function requireRecentSignIn(actor: UserActor, now = Date.now()): void {
  if (actor.signedInWith !== 'session') throw forbidden('Sign in to the console to do this.');
  if (now - actor.authenticatedAt.getTime() > RECENT_SIGN_IN_MS) {
    throw reauthenticationRequired();
  }
}
