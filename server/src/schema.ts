import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { AuthChecker } from './common/auth-checker.js';
import { validateArguments } from './common/input-validation.js';
import { ApiTokenResolver } from './modules/api-tokens/api-token.resolver.js';
import { AppPasswordInventoryResolver, AppPasswordOwnerResolver } from './modules/app-passwords/app-password-inventory.resolver.js';
import { AppPasswordResolver } from './modules/app-passwords/app-password.resolver.js';
import { AuditLogResolver } from './modules/audit/audit-log.resolver.js';
import { ViewerSignInsResolver } from './modules/audit/viewer-sign-ins.resolver.js';
// The viewer's resolvers before sign-in's: the order of imports is the order of fields in the emitted schema.
import { ViewerResolver } from './modules/users/viewer.resolver.js';
import { ViewerTenantResolver } from './modules/tenants/viewer-tenant.resolver.js';
import { SecurityInfoResolver } from './modules/security-info/security-info.resolver.js';
import { SignInResolver } from './modules/sign-in/sign-in.resolver.js';
import { TenantPolicyResolver } from './modules/tenant-policies/tenant-policy.resolver.js';
import { TwoStepResolver } from './modules/two-step/two-step.resolver.js';
import { TenantUserResolver } from './modules/users/tenant-user.resolver.js';

export const resolvers = [
  ViewerResolver,
  ViewerTenantResolver,
  SecurityInfoResolver,
  SignInResolver,
  TwoStepResolver,
  AppPasswordResolver,
  AppPasswordOwnerResolver,
  AppPasswordInventoryResolver,
  TenantPolicyResolver,
  TenantUserResolver,
  AuditLogResolver,
  ViewerSignInsResolver,
  ApiTokenResolver,
] as const;

export type ResolverClass = (typeof resolvers)[number];

/**
 * Builds the executable schema. `instances` holds the resolvers, built with
 * their services by `createApp`; without them (emitting the SDL) the schema
 * is complete but cannot run.
 */
export function buildAppSchema(instances = new Map<ResolverClass, object>()): Promise<GraphQLSchema> {
  const container: ContainerType = {
    get: (someClass) => instances.get(someClass as ResolverClass) ?? new (someClass as new () => object)(),
  };
  return buildSchema({
    resolvers,
    authChecker: AuthChecker,
    container,
    // Text without control characters or unpaired surrogates, then class-validator: see input-validation.ts.
    validateFn: validateArguments,
  });
}
