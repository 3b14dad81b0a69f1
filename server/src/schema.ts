import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { buildSchema, type ContainerType } from 'type-graphql';
import { AuthChecker } from './common/auth-checker.js';
import { validateArguments } from './common/input-validation.js';
import { ApiTokenResolver } from './modules/api-tokens/api-token.resolver.js';
import { AppPasswordInventoryResolver, AppPasswordOwnerResolver } from './modules/app-passwords/app-password-inventory.resolver.js';
import { AppPasswordResolver } from './modules/app-passwords/app-password.resolver.js';
import { AuditLogResolver } from './modules/audit/audit-log.resolver.js';
import { ViewerSignInsResolver } from './modules/audit/viewer-sign-ins.resolver.js';
import { SignInResolver } from './modules/sign-in/sign-in.resolver.js';
import { TenantPolicyResolver } from './modules/tenant-policies/tenant-policy.resolver.js';
import { TwoStepResolver } from './modules/two-step/two-step.resolver.js';
import { TenantUserResolver } from './modules/users/tenant-user.resolver.js';
import { ViewerResolver } from './modules/users/viewer.resolver.js';

export const resolvers = [
  ViewerResolver,
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

/** graphql-scalars' DateTimeISO, saying which standard it follows (`@specifiedBy` in the SDL). */
export const DateTimeISO = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
});

/**
 * Builds the executable schema. `instances` holds the resolvers, built with
 * their services by `createApp`; without them (emitting the SDL) the schema
 * is complete but cannot run.
 */
export async function buildAppSchema(instances = new Map<ResolverClass, object>()): Promise<GraphQLSchema> {
  const container: ContainerType = {
    get: (someClass) => instances.get(someClass as ResolverClass) ?? new (someClass as new () => object)(),
  };
  const schema = await buildSchema({
    resolvers,
    authChecker: AuthChecker,
    container,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
    // Text without control characters or unpaired surrogates, then class-validator: see input-validation.ts.
    validateFn: validateArguments,
  });
  // type-graphql has no option for describing the root types.
  schema.getQueryType()!.description = 'What a client can read. Each field says who may ask.';
  schema.getMutationType()!.description = 'What a client can change. Each field says who may ask.';
  return schema;
}
