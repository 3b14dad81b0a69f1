import 'reflect-metadata';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { ErrorCode } from '@app-passwords/schema';
import type { Config } from './config.js';
import { requestInfo, type Context } from './common/context.js';
import { createFormatError } from './common/format-error.js';
import { AppPasswordResolver } from './modules/app-passwords/app-password.resolver.js';
import { AppPasswordService } from './modules/app-passwords/app-password.service.js';
import { readSessionCookie } from './modules/sign-in/session-cookie.js';
import { SessionService } from './modules/sign-in/session.service.js';
import { SignInResolver } from './modules/sign-in/sign-in.resolver.js';
import { TenantPolicyService } from './modules/tenant-policies/tenant-policy.service.js';
import { TenantService } from './modules/tenants/tenant.service.js';
import { UserService } from './modules/users/user.service.js';
import { ViewerResolver } from './modules/users/viewer.resolver.js';
import { buildAppSchema, type ResolverClass } from './schema.js';

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error),
};

export type AppConfig = Pick<Config, 'cookieSecure' | 'appPasswordLookupKey' | 'webDistDir'>;

export interface Services {
  tenants: TenantService;
  tenantPolicies: TenantPolicyService;
  users: UserService;
  sessions: SessionService;
  appPasswords: AppPasswordService;
}

export function createServices(db: DataSource, config: Pick<Config, 'appPasswordLookupKey'>): Services {
  return {
    tenants: new TenantService(db),
    tenantPolicies: new TenantPolicyService(db),
    users: new UserService(db),
    sessions: new SessionService(db),
    appPasswords: new AppPasswordService(db, config.appPasswordLookupKey),
  };
}

export interface App {
  server: http.Server;
  services: Services;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, then stops Apollo. Leaves the database to the caller. */
  close(): Promise<void>;
}

/** Paths the console's client-side router must never shadow. */
const API_PREFIXES = ['/graphql', '/auth', '/export', '/healthz', '/metrics'];

/** Builds the HTTP server: GraphQL, health, and the built console. Tests call this too. */
export async function createApp(config: AppConfig, db: DataSource, logger: Logger = consoleLogger): Promise<App> {
  const services = createServices(db, config);
  const schema = await buildAppSchema(
    new Map<ResolverClass, object>([
      [ViewerResolver, new ViewerResolver(db, services.appPasswords)],
      [SignInResolver, new SignInResolver(db, services.sessions, config.cookieSecure)],
      [AppPasswordResolver, new AppPasswordResolver(services.appPasswords)],
    ]),
  );

  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError: createFormatError((error) => logger.error('Unexpected error in a GraphQL request', error)),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // main.ts owns shutdown (HTTP, then the database); Apollo's own handler would re-raise the signal and kill us halfway.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server })],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.status(200).json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const token = readSessionCookie(req, config.cookieSecure);
        const actor = token ? await services.sessions.resolve(token) : null;
        return { actor, request: requestInfo(req), req, res };
      },
    }),
  );

  serveConsole(app, config.webDistDir);

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: ErrorCode.NOT_FOUND } }] });
  });
  app.use(((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('Unexpected error in an HTTP request', error);
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
      await apollo.stop(); // the drain plugin closes the HTTP server and waits for in-flight requests
    },
  };
}

/** The built console at `/`, with deep links falling back to its index page. */
function serveConsole(app: express.Express, distDir: string): void {
  const index = path.join(distDir, 'index.html');
  app.use(express.static(distDir, { index: false, maxAge: '1h' }));
  app.get(/.*/, (req, res, next) => {
    if (API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console has not been built yet: run `pnpm build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
