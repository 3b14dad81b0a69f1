import { Extensions, type AuthCheckerInterface, type ResolverData } from 'type-graphql';
import type { Context } from './context.js';
import { forbidden, unauthenticated } from './errors.js';
import { Role } from '../modules/users/user.entity.js';

/** Field extension marking a mutation that an app password may run (see `@AllowAppPassword`). */
export const ALLOW_APP_PASSWORD = 'allowAppPassword';

/**
 * Marks a mutation that a caller signed in with an app password may run.
 * Everything else that changes data is refused to them, as in the reference
 * product: app passwords sign in apps, they never manage accounts.
 */
export const AllowAppPassword = () => Extensions({ [ALLOW_APP_PASSWORD]: true });

/**
 * Coarse gate for `@Authorized(...roles)`: signed in at all, and holding one
 * of the roles when any are named. An app-password caller holds at most the
 * USER role (a credential never grants admin work) and may run only the
 * mutations marked `@AllowAppPassword()`. Services still scope every query
 * by tenant.
 */
export class AuthChecker implements AuthCheckerInterface<Context, Role> {
  check({ context, info }: ResolverData<Context>, roles: Role[]): boolean {
    const { actor } = context;
    if (!actor) throw unauthenticated();
    if (actor.signedInWith === 'app_password') {
      const field = info.parentType.getFields()[info.fieldName];
      if (info.operation.operation === 'mutation' && field?.extensions?.[ALLOW_APP_PASSWORD] !== true) {
        throw forbidden('An app password can only sign in apps; sign in to the console to do this.');
      }
      if (roles.length > 0 && !roles.includes(Role.USER)) throw forbidden('An app password never does admin work.');
      return true;
    }
    if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden();
    return true;
  }
}
