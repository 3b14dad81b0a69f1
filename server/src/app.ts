import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { ErrorCode } from '@app-passwords/schema';
import type { Config } from './config.js';
import { createRequestInfo, type Actor, type Context, type RequestInfo } from './common/context.js';
import { AppError } from './common/errors.js';
import { failClosed, serviceUnavailableStatus } from './common/database-unavailable.js';
import { drainHttpServer } from './common/http-drain.js';
import { createFormatError, isUnexpectedError } from './common/format-error.js';
import { graphqlLimits } from './common/graphql-limits.js';
import { graphqlNoStore, noStore, securityHeaders } from './common/http-security.js';
import { ServerKeys } from './common/server-keys.js';
import { createLogger, type Logger } from './common/logger.js';
import { ApiTokenResolver } from './modules/api-tokens/api-token.resolver.js';
import { ApiTokenService } from './modules/api-tokens/api-token.service.js';
import { AppPasswordInventoryResolver, AppPasswordOwnerResolver } from './modules/app-passwords/app-password-inventory.resolver.js';
import { AppPasswordInventoryService } from './modules/app-passwords/app-password-inventory.service.js';
import { AppPasswordResolver } from './modules/app-passwords/app-password.resolver.js';
import { createAuditExportHandlers } from './modules/audit/audit-export.handler.js';
import { AuditLogResolver } from './modules/audit/audit-log.resolver.js';
import { AuditLogService } from './modules/audit/audit-log.service.js';
import { ViewerSignInsResolver } from './modules/audit/viewer-sign-ins.resolver.js';
import { createHealthHandlers } from './modules/operations/health.handler.js';
import { HttpRequestCounts, observeRequests, requestLocals } from './modules/operations/http-requests.js';
import { createMetricsHandler } from './modules/operations/metrics.handler.js';
import { createMetricsRegistry } from './modules/operations/metrics.js';
import { serveConsole } from './modules/console/console.handler.js';
import { TenantPolicyResolver } from './modules/tenant-policies/tenant-policy.resolver.js';
import { UserAdminService } from './modules/users/user-admin.service.js';
import { TenantUserResolver } from './modules/users/tenant-user.resolver.js';
import { AppPasswordService } from './modules/app-passwords/app-password.service.js';
import { WorkLimiter } from './common/work-limiter.js';
import { AppPasswordSignInService } from './modules/app-passwords/app-password-sign-in.service.js';
import { createForwardAuthHandler, FORWARD_AUTH_PATH } from './modules/sign-in/forward-auth.handler.js';
import { actorFromBasicCredentials } from './modules/sign-in/graphql-basic-auth.js';
import { readSessionCookie } from './modules/sign-in/session-cookie.js';
import { SignInLog } from './modules/sign-in/sign-in-log.js';
import { SignInThrottle } from './modules/sign-in/sign-in-throttle.js';
import { ConsoleAttempts } from './modules/sign-in/console-attempts.js';
import { SessionService } from './modules/sign-in/session.service.js';
import { SignInResolver } from './modules/sign-in/sign-in.resolver.js';
import { TenantPolicyService } from './modules/tenant-policies/tenant-policy.service.js';
import { TenantService } from './modules/tenants/tenant.service.js';
import { TwoStepService } from './modules/two-step/two-step.service.js';
import { TwoStepResolver } from './modules/two-step/two-step.resolver.js';
import { TwoStepResetService } from './modules/two-step/two-step-reset.service.js';
import { UserService } from './modules/users/user.service.js';
import { PasswordChangeService } from './modules/users/password-change.service.js';
import { revokeAfterPasswordChange, revokeTenantAppPasswords } from './modules/app-passwords/app-password-revocation.js';
import { ViewerResolver } from './modules/users/viewer.resolver.js';
import { ViewerTenantResolver } from './modules/tenants/viewer-tenant.resolver.js';
import { SecurityInfoResolver } from './modules/security-info/security-info.resolver.js';
import { buildAppSchema, type ResolverClass } from './schema.js';

export type { Logger } from './common/logger.js';

export type AppConfig = Pick<
  Config,
  | 'cookieSecure'
  | 'appPasswordLookupKey'
  | 'webDistDir'
  | 'trustedProxies'
  | 'appPasswordCacheTtlSeconds'
  | 'graphqlIntrospection'
  | 'metricsToken'
> &
  Partial<Pick<Config, 'appPasswordPreviousLookupKeys'>>;

export interface Services {
  tenants: TenantService;
  tenantPolicies: TenantPolicyService;
  users: UserService;
  passwordChange: PasswordChangeService;
  sessions: SessionService;
  appPasswords: AppPasswordService;
  appPasswordInventory: AppPasswordInventoryService;
  userAdmin: UserAdminService;
  auditLog: AuditLogService;
  apiTokens: ApiTokenService;
  /** Failure counters of every kind of sign-in: app passwords, console passwords, two-step codes. */
  signInThrottle: SignInThrottle;
  twoStep: TwoStepService;
  /** Admins and operators resetting a locked-out user's two-step verification. */
  twoStepReset: TwoStepResetService;
  signInLog: SignInLog;
  appPasswordSignIn: AppPasswordSignInService;
  /** The server key and the ones it replaced. */
  keys: ServerKeys;
  /** argon2 for app-password checks: about one job per core, a short queue, then "busy". */
  argon2: WorkLimiter;
}

/** `logger` defaults to warnings and errors on stderr (the CLI, whose stdout is its answer). */
export function createServices(
  db: DataSource,
  config: Pick<Config, 'appPasswordLookupKey' | 'appPasswordCacheTtlSeconds'> & Partial<Pick<Config, 'appPasswordPreviousLookupKeys'>>,
  logger: Logger = createLogger('warn', process.stderr),
): Services {
  const keys = new ServerKeys(config.appPasswordLookupKey, config.appPasswordPreviousLookupKeys);
  const cores = availableParallelism();
  const argon2 = new WorkLimiter(cores, 4 * cores);
  const signInThrottle = new SignInThrottle(db, (error) =>
    logger.error({ err: error }, 'Could not settle a sign-in attempt after its answer'),
  );
  const twoStep = new TwoStepService(db, keys);
  const signInLog = new SignInLog(db, (error) => logger.error({ err: error }, 'Could not write the sign-in log; will retry'));
  const sessions = new SessionService(db, signInThrottle, new ConsoleAttempts(db, signInThrottle, signInLog), twoStep);
  return {
    tenants: new TenantService(db),
    tenantPolicies: new TenantPolicyService(db, revokeTenantAppPasswords),
    users: new UserService(db),
    passwordChange: new PasswordChangeService(
      db,
      (who, password, request) => sessions.verifyPassword(who, password, request),
      revokeAfterPasswordChange,
    ),
    sessions,
    appPasswords: new AppPasswordService(db, keys),
    appPasswordInventory: new AppPasswordInventoryService(db),
    userAdmin: new UserAdminService(db),
    auditLog: new AuditLogService(db),
    apiTokens: new ApiTokenService(db, keys),
    signInThrottle,
    twoStep,
    twoStepReset: new TwoStepResetService(db, twoStep),
    signInLog,
    appPasswordSignIn: new AppPasswordSignInService(db, keys, signInThrottle, signInLog, argon2, config.appPasswordCacheTtlSeconds * 1000),
    argon2,
    keys,
  };
}

export interface App {
  server: http.Server;
  services: Services;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, then stops Apollo. Leaves the database to the caller. */
  close(): Promise<void>;
}

/** How long shutdown waits for requests in flight before it cuts their connections (main.ts gives up at 15 s). */
const HTTP_DRAIN_GRACE_MS = 10_000;

/**
 * Builds the HTTP server: GraphQL, /auth/basic, exports, health, readiness,
 * metrics and the built console. Tests call this too. Every request gets an
 * id (`X-Request-Id`) that is on every log line about it.
 */
export async function createApp(config: AppConfig, db: DataSource, logger: Logger): Promise<App> {
  const services = createServices(db, config, logger);
  const requestInfo = createRequestInfo(config.trustedProxies);
  const schema = await buildAppSchema(
    new Map<ResolverClass, object>([
      [ViewerResolver, new ViewerResolver(services.users)],
      [ViewerTenantResolver, new ViewerTenantResolver(db)],
      [SecurityInfoResolver, new SecurityInfoResolver(services.appPasswords, services.twoStep, services.tenantPolicies)],
      [TwoStepResolver, new TwoStepResolver(services.twoStep)],
      [SignInResolver, new SignInResolver(services.sessions, services.users, services.passwordChange, config.cookieSecure)],
      [AppPasswordResolver, new AppPasswordResolver(services.appPasswords)],
      [AppPasswordOwnerResolver, new AppPasswordOwnerResolver(db)],
      [AppPasswordInventoryResolver, new AppPasswordInventoryResolver(services.appPasswordInventory)],
      [TenantPolicyResolver, new TenantPolicyResolver(services.tenantPolicies)],
      [TenantUserResolver, new TenantUserResolver(services.userAdmin, services.twoStepReset)],
      [AuditLogResolver, new AuditLogResolver(services.auditLog)],
      [ViewerSignInsResolver, new ViewerSignInsResolver(services.auditLog)],
      [ApiTokenResolver, new ApiTokenResolver(services.apiTokens)],
    ]),
  );

  const app = express();
  app.disable('x-powered-by');
  // Each API path answers exactly as written (see http-requests.ts): no other case, no trailing slash.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(securityHeaders(config.cookieSecure));
  const requests = new HttpRequestCounts();
  const metrics = createMetricsRegistry(services, db, requests);
  // The forward-auth check is the hot path: it skips express entirely, and counts and logs itself.
  const forwardAuth = createForwardAuthHandler(services.appPasswordSignIn, requestInfo, logger, requests);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === FORWARD_AUTH_PATH || url.startsWith(`${FORWARD_AUTH_PATH}?`)) void forwardAuth(req, res);
    else app(req, res);
  });
  const sweep = setInterval(
    () => void services.signInThrottle.sweep().catch((error) => logger.error({ err: error }, 'Could not sweep sign-in throttles')),
    10 * 60_000,
  );
  sweep.unref();
  const retention = setInterval(
    () => void services.auditLog.applyRetention().catch((error) => logger.error({ err: error }, 'Could not apply audit retention')),
    60 * 60_000,
  );
  retention.unref();

  /**
   * Who is calling, from the request: a session cookie (the console), Basic
   * credentials (an app with an app password) or a Bearer API token
   * (an integrator). A request carrying a cookie and an Authorization header
   * is refused.
   */
  const identifyCaller = async (req: http.IncomingMessage, request: RequestInfo): Promise<Actor | null> => {
    const token = readSessionCookie(req, config.cookieSecure);
    const authorization = req.headers.authorization;
    if (authorization === undefined) return token ? services.sessions.resolve(token) : null;
    if (!/^bearer\s/i.test(authorization)) {
      return actorFromBasicCredentials(services.appPasswordSignIn, authorization, token !== undefined, request);
    }
    if (token !== undefined) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        'Send either the session cookie or an Authorization header, not both.',
        {},
        { status: 401 },
      );
    }
    const actor = await services.apiTokens.authenticate(authorization.replace(/^bearer\s+/i, '').trim());
    if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED, 'The API token is unknown, revoked or expired.', {}, { status: 401 });
    return actor;
  };
  /** With the database away, the caller cannot be known: SERVICE_UNAVAILABLE (503), never a guess. */
  const resolveActor = (req: http.IncomingMessage, request: RequestInfo): Promise<Actor | null> =>
    identifyCaller(req, request).catch(failClosed);

  /**
   * Unexpected errors are logged where the request's logger is at hand, so
   * the line carries the request id: resolver errors by the plugin below,
   * errors while identifying the caller by the context function. formatError
   * logs only what slipped past both (without a request id).
   */
  const logged = new WeakSet<object>();
  const logUnexpected = (log: Logger, error: unknown, message: string) => {
    log.error({ err: error }, message);
    if (typeof error === 'object' && error !== null) logged.add(error);
  };
  const errorListener: GraphQLRequestListener<Context> = {
    didEncounterErrors: async ({ contextValue, errors }) => {
      for (const error of errors) {
        if (isUnexpectedError(error)) logUnexpected(contextValue.log, unwrapResolverError(error), 'Unexpected error in a GraphQL request');
      }
    },
  };
  const logErrors: ApolloServerPlugin<Context> = { requestDidStart: async () => errorListener };

  const apollo = new ApolloServer<Context>({
    schema,
    logger,
    formatError: createFormatError((error) => {
      const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
      if (!(typeof original === 'object' && original !== null && logged.has(original))) {
        logger.error({ err: original }, 'Unexpected error in a GraphQL request');
      }
    }),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    introspection: config.graphqlIntrospection,
    // No "Did you mean …?" either when the schema is not public.
    hideSchemaDetailsFromClientErrors: !config.graphqlIntrospection,
    ...graphqlLimits(),
    // Automatic persisted queries (on by default) keep query texts by hash in this in-memory LRU: per instance, at most
    // 30 MiB of text, no expiry. Apollo keeps a text only once it has passed the limits above.
    cache: 'bounded',
    // main.ts owns shutdown (HTTP, then the database); Apollo's own handler would re-raise the signal and kill us halfway.
    stopOnTerminationSignals: false,
    plugins: [
      // Every /graphql response is `no-store` (see below); Apollo must not relax that from cache hints or for its own errors.
      ApolloServerPluginCacheControlDisabled(),
      graphqlNoStore,
      // The Sandbox landing page would load a CDN's scripts into this origin, which the CSP (rightly) refuses.
      ApolloServerPluginLandingPageDisabled(),
      serviceUnavailableStatus,
      logErrors,
    ],
  });
  await apollo.start();

  app.use(observeRequests(logger, requests));
  const health = createHealthHandlers(db);
  app.get('/healthz', health.healthz);
  app.get('/readyz', health.readyz);
  app.get('/metrics', createMetricsHandler(metrics, config.metricsToken));

  // GraphQL answers carry one-time secrets and personal data, the exports personal data: never cached, errors included.
  app.use(['/graphql', '/export'], noStore);
  app.all(
    '/graphql',
    // Room for the largest documented input (10 000 ids ≈ 390 kB); anything bigger is refused with 413.
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const request = requestInfo(req);
        const { log } = requestLocals(res);
        try {
          return { actor: await resolveActor(req, request), request, req, res, log };
        } catch (error) {
          if (isUnexpectedError(error)) logUnexpected(log, error, 'Unexpected error while identifying the caller');
          else if (error instanceof AppError && error.code === ErrorCode.SERVICE_UNAVAILABLE) {
            log.warn('The database is unavailable: the caller could not be identified');
          }
          throw error;
        }
      },
    }),
  );

  const exports = createAuditExportHandlers(db, (req) => resolveActor(req, requestInfo(req)));
  app.get('/export/audit.csv', exports.audit);
  app.get('/export/sign-ins.csv', exports.signIns);

  serveConsole(app, config.webDistDir);

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: ErrorCode.NOT_FOUND } }] });
  });
  app.use(((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) (requestLocals(res).log ?? logger).error({ err: error }, 'Unexpected error in an HTTP request');
    const code = status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT;
    const message =
      status === 413
        ? 'The request body is too large.'
        : status === 500
          ? 'Something went wrong on the server.'
          : 'The request is malformed.';
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  }) satisfies ErrorRequestHandler);

  return {
    server,
    services,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: async () => {
      clearInterval(sweep);
      clearInterval(retention);
      await drainHttpServer(server, HTTP_DRAIN_GRACE_MS); // in-flight requests finish first
      await apollo.stop();
      // Checks whose client has gone (so the drain did not wait): their last-used writes and sign-in log entries.
      await services.appPasswordSignIn.drain();
      await services.signInLog.close(); // the last batch of sign-in events
    },
  };
}
