import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createApp } from './app.js';
import { createLogger, type Logger } from './common/logger.js';
import { openDatabase } from './db/database.js';
import { EmbeddedPostgresError } from './db/embedded-postgres.js';
import { seedDemoData, type DemoAccount } from './modules/demo/demo-data.js';
import { entities } from './services.js';

/**
 * Everything the server says goes to stdout as JSON lines through one logger,
 * with a single exception: the demo accounts, their one-time passwords and the
 * admin's authenticator key, printed once as plain text for the person who
 * just ran `pnpm start` (see printDemoAccounts).
 */
async function main(config: Config, log: Logger): Promise<void> {
  if (config.appPasswordLookupKeySource === 'generated') {
    log.info(
      `Generated a development app-password lookup key in ${config.dataDir}/app-password-lookup.key (set APP_PASSWORD_LOOKUP_KEY in production).`,
    );
  } else if (config.appPasswordLookupKeySource === 'data-dir') {
    log.info(`Using the development app-password lookup key in ${config.dataDir}/app-password-lookup.key.`);
  }

  const database = await openDatabase(config, entities, (message) => log.info(message));
  const app = await createApp(config, database.db!, log);
  if (config.demoData) {
    const accounts = await seedDemoData(database.owner, app.services.twoStep);
    if (accounts) printDemoAccounts(accounts);
  }
  const address = await app.listen(config.port, config.host);
  log.info(
    { port: address.port },
    `App Passwords is ready: console and API on http://localhost:${address.port} (GraphQL at /graphql, readiness at /readyz, metrics at /metrics).`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${signal} received: finishing in-flight requests, then stopping.`);
    const timer = setTimeout(() => {
      log.error('Shutdown took longer than 15 s; exiting anyway.');
      process.exit(1);
    }, 15_000);
    timer.unref();
    // Drains HTTP, waits for app-password checks and their writes, writes the last sign-in log entries.
    await app.close();
    await database.close();
    log.info('Stopped.');
    log.flush();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * The one thing not written through the logger: the demo accounts' passwords
 * and the admin's authenticator key are for the operator's eyes, once, on the
 * terminal that started the server, as plain text, and must not end up as
 * structured data in a log pipeline.
 */
function printDemoAccounts(accounts: DemoAccount[]): void {
  const lines = [
    'Created the demo tenant "Contoso" (app passwords on, two-step verification optional for them, required for admins). Sign in with:',
    ...accounts.flatMap((a) => [
      `  ${a.role === 'TENANT_ADMIN' ? 'admin' : 'user '}  ${a.email}  ${a.password}`,
      ...(a.twoStep
        ? [
            `         authenticator key ${a.twoStep.secret} (add it to an authenticator app; it asks for a code after the password)`,
            `         ${a.twoStep.otpauthUri}`,
          ]
        : []),
    ]),
    'These passwords and the key are shown only now; `pnpm cli user create` makes more users.',
  ];
  console.log(`\n${lines.join('\n')}\n`);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  // No LOG_LEVEL to honour yet: the default logger names every bad variable.
  const log = createLogger('info');
  if (error instanceof ConfigError) log.fatal({ problems: error.problems }, 'Invalid configuration: fix every problem listed.');
  else log.fatal({ err: error }, 'App Passwords could not read its configuration.');
  process.exit(1);
}
const logger = createLogger(config.logLevel);
main(config, logger).catch((error: unknown) => {
  // A problem the operator can fix is one line saying how; anything else gets its stack.
  if (error instanceof EmbeddedPostgresError) logger.fatal(`App Passwords failed to start: ${error.message}`);
  else logger.fatal({ err: error }, 'App Passwords failed to start.');
  process.exit(1);
});
