import { AppError } from '../../common/errors.js';
import type { UserLifecycleService } from '../users/user-lifecycle.service.js';
import { Role } from '../users/user.entity.js';
import type { CreateUserOnFirstSignIn } from './single-sign-on.service.js';

/**
 * CREATE_ON_FIRST_SIGN_IN: a user with the role USER and no password (source
 * `sso`), created by the users' lifecycle service (audited as `user.created`,
 * actor `system`) for a name the provider vouched for. A name taken in
 * another tenant, or one the service refuses, creates nobody (null: the
 * sign-in ends on `unknown_user`).
 */
export function createUserOnFirstSignIn(lifecycle: UserLifecycleService): CreateUserOnFirstSignIn {
  return async (tenantId, signInName, displayName, request) => {
    try {
      const { user } = await lifecycle.createUser(
        tenantId,
        { type: 'system' },
        { email: signInName, displayName, role: Role.USER, password: 'none', source: 'sso', request },
      );
      return { id: user.id, tenantId: user.tenantId, email: user.email, role: user.role };
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  };
}
