import type { Actor, RequestInfo } from '../../common/context.js';
import { rateLimited, serviceUnavailable, unauthenticated } from '../../common/errors.js';
import type { AppPasswordSignInService } from './app-password-sign-in.service.js';
import { isBasicScheme } from '../sign-in/basic-credentials.js';

/**
 * The actor for a GraphQL request that carries an Authorization header: an
 * app (or an integrator's script) signing in with a sign-in name and app
 * password over HTTP Basic. No session is created, and no WWW-Authenticate
 * header is sent (browsers would prompt for a password). The service is
 * `graphql`: an app password without it is refused here.
 */
export async function actorFromBasicCredentials(
  signIn: AppPasswordSignInService,
  authorization: string,
  request: RequestInfo,
): Promise<Actor> {
  if (!isBasicScheme(authorization)) {
    throw unauthenticated('Only Basic credentials (sign-in name and app password) are accepted.', 'authentication');
  }
  const result = await signIn.check(authorization, request, { service: 'graphql' });
  if (result.ok) {
    return {
      userId: result.userId,
      tenantId: result.tenantId,
      role: result.role,
      signedInWith: 'app_password',
      appPasswordId: result.appPasswordId,
    };
  }
  if (result.outcome === 'BUSY') throw serviceUnavailable('busy', result.retryAfterSeconds);
  if (result.outcome === 'THROTTLED') throw rateLimited(result.retryAfterSeconds ?? 60, 'authentication');
  throw unauthenticated('The sign-in name or app password is incorrect.', 'authentication');
}
