import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { buildSchema, type ContainerType } from 'type-graphql';
import { AuthChecker } from './common/auth-checker.js';
import { validateArguments } from './common/input-validation.js';
import { ApiTokenResolver } from './modules/api-tokens/api-token.resolver.js';
import { AppPasswordInventoryResolver, AppPasswordOwnerResolver } from './modules/app-passwords/app-password-inventory.resolver.js';
import { AppPasswordResolver } from './modules/app-passwords/app-password.resolver.js';
import { AppPasswordRotationResolver } from './modules/app-passwords/app-password-rotation.resolver.js';
import { AuditLogResolver } from './modules/logs/audit-log.resolver.js';
import { ViewerSignInsResolver } from './modules/logs/viewer-sign-ins.resolver.js';
// The viewer's resolvers before sign-in's: the order of imports is the order of fields in the emitted schema.
import { ViewerResolver } from './modules/users/viewer.resolver.js';
import { ViewerTenantResolver } from './modules/tenants/viewer-tenant.resolver.js';
import { SecurityInfoResolver } from './modules/security-info/security-info.resolver.js';
import { SignInResolver } from './modules/sign-in/sign-in.resolver.js';
import { TenantPolicyResolver } from './modules/tenant-policies/tenant-policy.resolver.js';
import { ServicesResolver } from './modules/services/services.resolver.js';
import { TwoStepResolver } from './modules/two-step/two-step.resolver.js';
import { TenantUserResolver } from './modules/users/tenant-user.resolver.js';
import { AppPasswordHistoryResolver } from './modules/logs/app-password-history.resolver.js';
import { AppPasswordCleanupResolver } from './modules/app-password-cleanup/app-password-cleanup.resolver.js';
import { SingleSignOnResolver } from './modules/single-sign-on/single-sign-on.resolver.js';
import { WebhookResolver } from './modules/webhooks/webhook.resolver.js';
import type { Services } from './services.js';

/** What the resolvers are built from. */
export interface ResolverWiring {
  services: Services;
  cookieSecure: boolean;
}

interface ResolverEntry {
  resolver: abstract new (...args: never[]) => object;
  build: (wiring: ResolverWiring) => object;
}

function resolver<T extends object>(resolverClass: new (...args: never[]) => T, build: (wiring: ResolverWiring) => T): ResolverEntry {
  return { resolver: resolverClass, build };
}

/**
 * Every resolver once, with how it is built: the schema's list of classes and
 * the instances that answer requests both come from here, so a resolver
 * cannot be in the schema without its services.
 */
const RESOLVERS: readonly [ResolverEntry, ...ResolverEntry[]] = [
  resolver(ViewerResolver, ({ services }) => new ViewerResolver(services.users)),
  resolver(ViewerTenantResolver, () => new ViewerTenantResolver()),
  resolver(SecurityInfoResolver, ({ services }) => new SecurityInfoResolver(services.appPasswords, services.tenantPolicies)),
  resolver(
    SignInResolver,
    ({ services, cookieSecure }) => new SignInResolver(services.sessions, services.users, services.passwordChange, cookieSecure),
  ),
  resolver(TwoStepResolver, ({ services }) => new TwoStepResolver(services.twoStep)),
  resolver(AppPasswordResolver, ({ services }) => new AppPasswordResolver(services.appPasswordCreation, services.appPasswords)),
  resolver(AppPasswordRotationResolver, ({ services }) => new AppPasswordRotationResolver(services.appPasswordRotation)),
  resolver(AppPasswordOwnerResolver, () => new AppPasswordOwnerResolver()),
  resolver(AppPasswordHistoryResolver, () => new AppPasswordHistoryResolver()),
  resolver(AppPasswordInventoryResolver, ({ services }) => new AppPasswordInventoryResolver(services.appPasswordInventory)),
  resolver(TenantPolicyResolver, ({ services }) => new TenantPolicyResolver(services.tenantPolicies)),
  resolver(AppPasswordCleanupResolver, ({ services }) => new AppPasswordCleanupResolver(services.appPasswordCleanup)),
  resolver(ServicesResolver, ({ services }) => new ServicesResolver(services.serviceCatalog)),
  resolver(TenantUserResolver, ({ services }) => new TenantUserResolver(services.userAdmin, services.twoStepReset, services.userLifecycle)),
  resolver(AuditLogResolver, ({ services }) => new AuditLogResolver(services.auditLog)),
  resolver(ViewerSignInsResolver, ({ services }) => new ViewerSignInsResolver(services.auditLog)),
  resolver(ApiTokenResolver, ({ services }) => new ApiTokenResolver(services.apiTokens)),
  resolver(SingleSignOnResolver, ({ services }) => new SingleSignOnResolver(services.identityProviders, services.singleSignOn)),
  resolver(WebhookResolver, ({ services }) => new WebhookResolver(services.webhooks)),
];

/** graphql-scalars' DateTimeISO, saying which standard it follows (`@specifiedBy` in the SDL). */
export const DateTimeISO = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
});

/**
 * What type-graphql asks for the resolvers and the auth checker: the
 * resolvers built from `wiring`, or none (emitting the SDL: the schema is
 * complete but cannot run). Anything else is a mistake, and it says so
 * instead of building an instance without its services.
 */
export function resolverContainer(wiring?: ResolverWiring): ContainerType {
  const instances = new Map<unknown, object>([[AuthChecker, new AuthChecker()]]);
  if (wiring) for (const { resolver, build } of RESOLVERS) instances.set(resolver, build(wiring));
  return {
    get: (someClass: { name?: string }) => {
      const instance = instances.get(someClass);
      if (!instance)
        throw new Error(`No instance of ${someClass.name ?? 'this class'}: every resolver is built from the list in schema.ts.`);
      return instance;
    },
  };
}

const [first, ...rest] = RESOLVERS;
/** Every resolver class, from the one list. */
export const resolverClasses: [ResolverEntry['resolver'], ...Array<ResolverEntry['resolver']>] = [
  first.resolver,
  ...rest.map((entry) => entry.resolver),
];

/** Builds the executable schema, its resolvers built from `wiring` (by `createApp`); see resolverContainer. */
export async function buildAppSchema(wiring?: ResolverWiring): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: resolverClasses,
    authChecker: AuthChecker,
    container: resolverContainer(wiring),
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
    // Text without control characters or unpaired surrogates, then class-validator: see input-validation.ts.
    validateFn: validateArguments,
  });
  // type-graphql has no option for describing the root types.
  schema.getQueryType()!.description = 'What a client can read. Each field says who may ask.';
  schema.getMutationType()!.description = 'What a client can change. Each field says who may ask.';
  return schema;
}
