import { ErrorCode } from '@app-passwords/schema';
import type { Actor, RequestInfo } from '../../common/context.js';
import { AppError, tooBusy } from '../../common/errors.js';
import type { AppPasswordSignInService } from '../app-passwords/app-password-sign-in.service.js';
import { isBasicScheme } from './basic-credentials.js';

/**
 * The actor for a GraphQL request that carries an Authorization header: an
 * app (or an integrator's script) signing in with a sign-in name and app
 * password over HTTP Basic. No session is created, and no WWW-Authenticate
 * header is sent (browsers would prompt for a password).
 */
export async function actorFromBasicCredentials(
  signIn: AppPasswordSignInService,
  authorization: string,
  hasSessionCookie: boolean,
  request: RequestInfo,
): Promise<Actor> {
  if (hasSessionCookie) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Send either the session cookie or an Authorization header, not both.',
      {},
      { status: 401 },
    );
  }
  if (!isBasicScheme(authorization)) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Only Basic credentials (sign-in name and app password) are accepted.',
      {},
      { status: 401 },
    );
  }
  const result = await signIn.check(authorization, request);
  if (result.ok) {
    return {
      userId: result.userId,
      tenantId: result.tenantId,
      role: result.role,
      signedInWith: 'app_password',
      appPasswordId: result.appPasswordId,
    };
  }
  if (result.outcome === 'BUSY') throw tooBusy(result.retryAfterSeconds);
  if (result.outcome === 'THROTTLED') {
    const retryAfterSeconds = result.retryAfterSeconds ?? 60;
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      'Too many failed sign-ins; try again later.',
      { retryAfterSeconds },
      { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  }
  throw new AppError(ErrorCode.UNAUTHENTICATED, 'The sign-in name or app password is incorrect.', {}, { status: 401 });
}
