import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { ErrorCode } from '@app-passwords/schema';
import { startBackgroundJobs } from './background-jobs.js';
import { DEFAULT_WEBHOOK_CONFIG, type Config } from './config.js';
import { createRequestInfo, type Context } from './common/context.js';
import { serviceUnavailableStatus } from './common/database-unavailable.js';
import { compiledQueries } from './common/compiled-queries.js';
import { createErrorLogging } from './common/error-logging.js';
import { drainHttpServer } from './common/http-drain.js';
import { graphqlLimits } from './common/graphql-limits.js';
import { requestTransaction } from './common/graphql-transaction.js';
import { graphqlNoStore, noStore, securityHeaders } from './common/http-security.js';
import type { Logger } from './common/logger.js';
import { createAuditExportHandlers } from './modules/logs/audit-export.handler.js';
import { serveConsole } from './modules/console/console.handler.js';
import { createAnswerFirstRequest, type GraphQLCaller } from './modules/console/first-answer.js';
import { createHealthHandlers } from './modules/operations/health.handler.js';
import { FORWARD_AUTH_PATH, HttpRequestCounts, observeRequests, requestLocals } from './modules/operations/http-requests.js';
import { createMetricsHandler } from './modules/operations/metrics.handler.js';
import { addWebhookMetrics, createMetricsRegistry } from './modules/operations/metrics.js';
import { createForwardAuthHandler } from './modules/app-passwords/forward-auth.handler.js';
import { actorFromBasicCredentials } from './modules/app-passwords/graphql-basic-auth.js';
import { createScimRouter, SCIM_PATH } from './modules/scim/scim.routes.js';
import { createIdentifyCaller } from './modules/sign-in/identify-caller.js';
import { SessionWithSecurityInfo } from './modules/security-info/security-info-with-session.js';
import { OIDC_CALLBACK_PATH, OIDC_START_PATH } from './modules/single-sign-on/identity-provider.rules.js';
import { SignInStateCookie } from './modules/single-sign-on/sign-in-state.js';
import { createSingleSignOnHandlers } from './modules/single-sign-on/single-sign-on.handler.js';
import { WebhookDispatcher } from './modules/webhooks/webhook-dispatcher.js';
import { buildAppSchema } from './schema.js';
import { createServices, type Services } from './services.js';
import { RequestTransaction } from './db/request-transaction.js';

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
  Partial<Pick<Config, 'appPasswordPreviousLookupKeys' | 'requireService' | 'publicUrl' | 'webhooks' | 'smtp' | 'mailFrom'>>;

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
 * Builds the HTTP server: GraphQL, /auth/basic, exports, SCIM, health,
 * readiness, metrics and the built console. Tests call this too. Every request gets an
 * id (`X-Request-Id`) that is on every log line about it.
 */
export async function createApp(config: AppConfig, db: DataSource, logger: Logger): Promise<App> {
  // Without PUBLIC_URL (tests), browsers reach this server where it listens.
  const publicUrl = () => config.publicUrl ?? `http://127.0.0.1:${(server.address() as AddressInfo | null)?.port ?? 0}`;
  const services = createServices(db, config, logger, publicUrl);
  if (config.smtp) await expectMailQueued(db);
  const requestInfo = createRequestInfo(config.trustedProxies);
  const schema = await buildAppSchema({ services, cookieSecure: config.cookieSecure });

  const app = express();
  app.disable('x-powered-by');
  // No ETag on what res.send answers (GraphQL, errors, health, metrics): all of it is no-store or never revalidated, and
  // hashing every body cost a 40-row GraphQL answer a noticeable share. Files keep theirs (express.static, sendFile).
  app.set('etag', false);
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
  const jobs = startBackgroundJobs(services, logger);
  const webhooks = new WebhookDispatcher(db, services.keys, config.webhooks ?? { allowLocal: false, ...DEFAULT_WEBHOOK_CONFIG }, logger);
  addWebhookMetrics(metrics, webhooks);
  webhooks.start();
  services.mailDelivery.start();

  const identifyCaller = createIdentifyCaller({
    sessions: services.sessions,
    apiTokens: services.apiTokens,
    basic: (authorization, request) => actorFromBasicCredentials(services.appPasswordSignIn, authorization, request),
    cookieSecure: config.cookieSecure,
  });

  const errorLogging = createErrorLogging(logger);
  /** A GraphQL request's context, once its caller is known (and, for the security-info page, what the session lookup read with it). */
  const requestContext = (req: express.Request, res: express.Response, { actor, request, carried }: GraphQLCaller): Context => {
    const transaction = new RequestTransaction(db);
    // Normally ended as the response is ready (requestTransaction); this covers a request that never gets there.
    res.once('close', () => void transaction.end('rollback').catch(() => undefined));
    return { actor, request, req, res, log: requestLocals(res).log, transaction, carried };
  };
  const securityInfoWithSession = new SessionWithSecurityInfo(db);
  /** Who sends a GraphQL request with `body`; for the security-info page's query the session lookup reads the page too, in the same statement. */
  const graphqlCallerOf = async (req: express.Request, body: unknown): Promise<GraphQLCaller> => {
    const request = requestInfo(req);
    const carrying = securityInfoWithSession.for(body);
    const actor = await identifyCaller(req, request, carrying?.lookUp);
    return { actor, request, carried: carrying && { securityInfo: carrying.securityInfo } };
  };

  const apollo = new ApolloServer<Context>({
    schema,
    logger,
    formatError: errorLogging.formatError,
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
      // First: a query's transaction ends before the other plugins look at the response.
      requestTransaction,
      // Every /graphql response is `no-store` (see below); Apollo must not relax that from cache hints or for its own errors.
      ApolloServerPluginCacheControlDisabled(),
      graphqlNoStore,
      // The Sandbox landing page would load a CDN's scripts into this origin, which the CSP (rightly) refuses.
      ApolloServerPluginLandingPageDisabled(),
      serviceUnavailableStatus,
      errorLogging.plugin,
      // Last: a query's answer comes from its compiled form unless it has errors.
      compiledQueries(schema),
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
        try {
          return requestContext(req, res, await graphqlCallerOf(req, req.body));
        } catch (error) {
          errorLogging.callerError(requestLocals(res).log, error);
          throw error;
        }
      },
    }),
  );

  const sso = createSingleSignOnHandlers({
    singleSignOn: services.singleSignOn,
    providers: services.identityProviders,
    sessions: services.sessions,
    stateCookie: new SignInStateCookie(services.keys, config.cookieSecure),
    identifyCaller: (req) => identifyCaller(req, requestInfo(req)),
    requestInfo,
    cookieSecure: config.cookieSecure,
  });
  app.get(OIDC_START_PATH, sso.start);
  app.get(OIDC_CALLBACK_PATH, sso.callback);

  const exports = createAuditExportHandlers(db, (req) => identifyCaller(req, requestInfo(req)));
  app.get('/export/audit.csv', exports.audit);
  app.get('/export/sign-ins.csv', exports.signIns);

  // Identity providers provisioning users: SCIM 2.0 with a SCIM-scoped API token, answering in SCIM's own format.
  app.use(SCIM_PATH, createScimRouter({ apiTokens: services.apiTokens, users: services.scimUsers, requestInfo, publicUrl, logger }));

  // A page load of the console carries the answer to its first GraphQL request, made exactly as /graphql would make it.
  const answerFirstRequest = createAnswerFirstRequest({
    identifyCaller: (req, request) => graphqlCallerOf(req, request),
    execute: (request, req, res, caller) => apollo.executeOperation(request, { contextValue: requestContext(req, res, caller) }),
    logger,
  });
  serveConsole(app, config.webDistDir, answerFirstRequest);

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
      jobs.stop();
      // Webhook POSTs in flight end within their timeout and their outcomes are written, while HTTP drains.
      const webhooksStopped = webhooks.stop();
      await services.mailDelivery.close();
      await drainHttpServer(server, HTTP_DRAIN_GRACE_MS); // in-flight requests finish first
      await webhooksStopped;
      await apollo.stop();
      // Checks whose client has gone (so the drain did not wait): their last-used writes and sign-in log entries.
      await services.appPasswordSignIn.drain();
      await services.signInLog.close(); // the last batch of sign-in events
    },
  };
}

/**
 * With SMTP_URL, changes must queue mails: the data source must have been
 * made with `mail: true` (db/data-source.ts), or mails would silently never
 * exist.
 */
async function expectMailQueued(db: DataSource): Promise<void> {
  const [{ mail }] = await db.query(`SELECT current_setting('app_passwords.mail', true) AS mail`);
  if (mail !== 'on') throw new Error('SMTP_URL is set, but the database connections do not queue mails: create them with { mail: true }.');
}
