import { Extensions, type AuthCheckerInterface, type ResolverData } from 'type-graphql';
import { ApiScope, type Context } from './context.js';
import { forbidden, passwordChangeRequired, twoStepRequired, unauthenticated } from './errors.js';
import { Role } from './role.js';

/** Why an admin without two-step verification is held back (GraphQL and the CSV exports). */
export const ADMIN_TWO_STEP_MESSAGE =
  'Your organisation requires two-step verification for admins. Set up an authenticator app on your security-info page first.';

/** Field extension marking a mutation that an app password may run (see `@AllowAppPassword`). */
export const ALLOW_APP_PASSWORD = 'allowAppPassword';
/** Field extension naming the scope an API token needs for it (see `@RequireScope`). */
export const REQUIRED_SCOPE = 'requiredScope';

/** Field extension marking what a session may do before its user has replaced a one-time password (see `@AllowBeforePasswordChange`). */
export const ALLOW_BEFORE_PASSWORD_CHANGE = 'allowBeforePasswordChange';

/**
 * Marks a field that a user signed in with a one-time password from an admin
 * may use before choosing their own: changing the password (and entering it
 * again). Every other `@Authorized` field answers PASSWORD_CHANGE_REQUIRED.
 */
export const AllowBeforePasswordChange = () => Extensions({ [ALLOW_BEFORE_PASSWORD_CHANGE]: true });

/** The scope an API token must hold for this field; fields without one are closed to tokens. */
export const RequireScope = (scope: ApiScope) => Extensions({ [REQUIRED_SCOPE]: scope });

/**
 * Marks a mutation that a caller signed in with an app password may run.
 * Everything else that changes data is refused to them, as in the reference
 * product: app passwords sign in apps, they never manage accounts.
 */
export const AllowAppPassword = () => Extensions({ [ALLOW_APP_PASSWORD]: true });

/**
 * Coarse gate for `@Authorized(...roles)`: signed in at all, and holding one
 * of the roles when any are named.
 * - An app-password caller holds at most the USER role (a credential never
 *   grants admin work) and may run only mutations marked `@AllowAppPassword()`.
 * - An API token may use only fields marked `@RequireScope(scope)` whose scope
 *   it holds; everything else (creating tokens, changing policy) needs an
 *   admin signed in to the console.
 * - A user signed in with a one-time password from an admin gets
 *   PASSWORD_CHANGE_REQUIRED everywhere but `@AllowBeforePasswordChange()`
 *   fields until they choose their own (the session lookup says so, no query).
 * - An admin whose tenant requires two-step verification for admins gets
 *   TWO_STEP_REQUIRED on admin fields until they have it. The session lookup
 *   has already answered that, so this costs no query, and fields open to
 *   every user never look.
 * Services still scope every query by tenant.
 */
export class AuthChecker implements AuthCheckerInterface<Context, Role> {
  check({ context, info }: ResolverData<Context>, roles: Role[]): boolean {
    const { actor } = context;
    if (!actor) throw unauthenticated();
    const extensions = info.parentType.getFields()[info.fieldName]?.extensions ?? {};
    switch (actor.signedInWith) {
      case 'api_token': {
        if (actor.scopes.includes(ApiScope.SCIM)) throw forbidden('A SCIM token only provisions users, at /scim/v2.');
        const scope = extensions[REQUIRED_SCOPE] as ApiScope | undefined;
        if (!scope) throw forbidden('API tokens cannot do this; an admin signed in to the console can.');
        if (!actor.scopes.includes(scope)) throw forbidden(`This API token does not have the ${scope} scope.`);
        return true;
      }
      case 'app_password':
        if (info.operation.operation === 'mutation' && extensions[ALLOW_APP_PASSWORD] !== true) {
          throw forbidden('An app password can only sign in apps; sign in to the console to do this.');
        }
        if (roles.length > 0 && !roles.includes(Role.USER)) throw forbidden('An app password never does admin work.');
        return true;
      case 'session':
        if (actor.mustChangePassword && extensions[ALLOW_BEFORE_PASSWORD_CHANGE] !== true) throw passwordChangeRequired();
        if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden();
        if (actor.twoStepRequiredForAdmin && !roles.includes(Role.USER) && roles.includes(Role.TENANT_ADMIN)) {
          throw twoStepRequired(ADMIN_TWO_STEP_MESSAGE);
        }
        return true;
    }
  }
}
