import { randomToken } from '../../common/secure-random.js';
import { AppError } from '../../common/errors.js';
import type { UserService } from '../users/user.service.js';
import { Role } from '../users/user.entity.js';
import type { CreateUserOnFirstSignIn } from './single-sign-on.service.js';

/**
 * CREATE_ON_FIRST_SIGN_IN: a user with the role USER for a name the provider
 * vouched for. They get no usable password (a random one nobody ever sees),
 * so they sign in only through the provider. A name already taken in another
 * tenant is refused (null).
 */
export function createUserOnFirstSignIn(users: UserService): CreateUserOnFirstSignIn {
  return async (tenantId, signInName, displayName) => {
    try {
      const user = await users.create({ tenantId, email: signInName, displayName, role: Role.USER, password: randomToken(32) });
      return { id: user.id, tenantId: user.tenantId, email: user.email, role: user.role };
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  };
}
