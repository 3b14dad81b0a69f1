import { registerEnumType } from 'type-graphql';

/**
 * What a user may do in their tenant. Defined here, below the modules, because
 * the request context and the auth checker gate on it; the users' table holds
 * it (`users.role`) and the users module hands it on with its entity.
 */
export enum Role {
  USER = 'USER',
  TENANT_ADMIN = 'TENANT_ADMIN',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do in their tenant.',
  valuesConfig: {
    USER: { description: 'Manages their own sign-in methods.' },
    TENANT_ADMIN: { description: "Also sets the tenant's policy and audits and revokes app passwords." },
  },
});
