import type { AuthCheckerInterface, ResolverData } from 'type-graphql';
import type { Context } from './context.js';
import { forbidden, unauthenticated } from './errors.js';
import type { Role } from '../modules/users/user.entity.js';

/**
 * Coarse gate for `@Authorized(...roles)`: signed in at all, and holding one
 * of the roles when any are named. Services still scope every query by tenant.
 */
export class AuthChecker implements AuthCheckerInterface<Context, Role> {
  check({ context }: ResolverData<Context>, roles: Role[]): boolean {
    const { actor } = context;
    if (!actor) throw unauthenticated();
    if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden();
    return true;
  }
}
