import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { consoleLogger, createApp } from './app.js';
import { openDatabase } from './db/database.js';
import { seedDemoData, type DemoAccount } from './modules/demo/demo-data.js';

const log = consoleLogger;

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.appPasswordLookupKeySource === 'generated') {
    log.info(
      `Generated a development app-password lookup key in ${config.dataDir}/app-password-lookup.key (set APP_PASSWORD_LOOKUP_KEY in production).`,
    );
  } else if (config.appPasswordLookupKeySource === 'data-dir') {
    log.info(`Using the development app-password lookup key in ${config.dataDir}/app-password-lookup.key.`);
  }

  const database = await openDatabase(config, log.info);
  const app = await createApp(config, database.db, log);
  if (config.demoData) {
    const accounts = await seedDemoData(database.db, app.services);
    if (accounts) printDemoAccounts(accounts);
  }
  const address = await app.listen(config.port, config.host);
  log.info(`App Passwords is ready: console and API on http://localhost:${address.port} (GraphQL at /graphql).`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing in-flight requests, then stopping.`);
    const timer = setTimeout(() => {
      log.error('Shutdown took longer than 15 s; exiting anyway.');
      process.exit(1);
    }, 15_000);
    timer.unref();
    await app.close();
    await database.close();
    log.info('Stopped.');
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function printDemoAccounts(accounts: DemoAccount[]): void {
  const lines = [
    'Created the demo tenant "Contoso" (app passwords on, two-step verification optional for them). Sign in with:',
    ...accounts.map((a) => `  ${a.role === 'TENANT_ADMIN' ? 'admin' : 'user '}  ${a.email}  ${a.password}`),
    'These passwords are shown only now; `pnpm cli user create` makes more users.',
  ];
  console.log(`\n${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('App Passwords failed to start:', error);
  process.exit(1);
});
