import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import { Initial1795600000000 } from './migrations/1795600000000-Initial.js';
import { SignInByApps1795700000000 } from './migrations/1795700000000-SignInByApps.js';
import { TenantAdmin1795800000000 } from './migrations/1795800000000-TenantAdmin.js';
import { SignInAttempts1795900000000 } from './migrations/1795900000000-SignInAttempts.js';
import { TwoStepVerification1796000000000 } from './migrations/1796000000000-TwoStepVerification.js';
import { KeyIds1796100000000 } from './migrations/1796100000000-KeyIds.js';
import { SignInHardening1796300000000 } from './migrations/1796300000000-SignInHardening.js';
import { TwoStepForAdmins1796400000000 } from './migrations/1796400000000-TwoStepForAdmins.js';
import { AppPasswordRefusal1796500000000 } from './migrations/1796500000000-AppPasswordRefusal.js';
import { SessionViewer1796600000000 } from './migrations/1796600000000-SessionViewer.js';
import { Services1796700000000 } from './migrations/1796700000000-Services.js';
import { AppPasswordHistory1796800000000 } from './migrations/1796800000000-AppPasswordHistory.js';
import { AppPasswordUsesCleanup1796900000000 } from './migrations/1796900000000-AppPasswordUsesCleanup.js';
import { AppPasswordRotation1797000000000 } from './migrations/1797000000000-AppPasswordRotation.js';
import { UnusedAppPasswordCleanup1797100000000 } from './migrations/1797100000000-UnusedAppPasswordCleanup.js';
import { Webhooks1797200000000 } from './migrations/1797200000000-Webhooks.js';
import { MailNotifications1797300000000 } from './migrations/1797300000000-MailNotifications.js';
import { UserLifecycle1797400000000 } from './migrations/1797400000000-UserLifecycle.js';
import { SingleSignOn1797500000000 } from './migrations/1797500000000-SingleSignOn.js';
import { ScimProvisioning1797600000000 } from './migrations/1797600000000-ScimProvisioning.js';
import { SecurityInfoWithSession1797800000000 } from './migrations/1797800000000-SecurityInfoWithSession.js';
import { SingleSignOnInSignInLog1798000000000 } from './migrations/1798000000000-SingleSignOnInSignInLog.js';
import { SessionLanguageAndWebhookBacklog1798100000000 } from './migrations/1798100000000-SessionLanguageAndWebhookBacklog.js';
import { SecurityInfoCarriesLanguage1798200000000 } from './migrations/1798200000000-SecurityInfoCarriesLanguage.js';
import { UnusedSinceColumn1798300000000 } from './migrations/1798300000000-UnusedSinceColumn.js';
import { UnusedNoticeMark1798400000000 } from './migrations/1798400000000-UnusedNoticeMark.js';
import { SecurityInfoAsTuples1798500000000 } from './migrations/1798500000000-SecurityInfoAsTuples.js';
import { RowLevelSecurity1796200000000, RUNTIME_ROLE } from './migrations/1796200000000-RowLevelSecurity.js';
import { StatementCounter } from './statement-count.js';

/** The entity classes a data source maps: the modules own them, the wiring lists them (services.ts: `entities`). */
export type Entities = NonNullable<DataSourceOptions['entities']>;

/** Listed explicitly: globs of `.ts` files break under vitest and bundlers. */
export const migrations = [
  Initial1795600000000,
  SignInByApps1795700000000,
  TenantAdmin1795800000000,
  SignInAttempts1795900000000,
  TwoStepVerification1796000000000,
  KeyIds1796100000000,
  RowLevelSecurity1796200000000,
  SignInHardening1796300000000,
  TwoStepForAdmins1796400000000,
  AppPasswordRefusal1796500000000,
  SessionViewer1796600000000,
  Services1796700000000,
  AppPasswordHistory1796800000000,
  AppPasswordUsesCleanup1796900000000,
  AppPasswordRotation1797000000000,
  UnusedAppPasswordCleanup1797100000000,
  Webhooks1797200000000,
  MailNotifications1797300000000,
  UserLifecycle1797400000000,
  SingleSignOn1797500000000,
  ScimProvisioning1797600000000,
  SecurityInfoWithSession1797800000000,
  SingleSignOnInSignInLog1798000000000,
  SessionLanguageAndWebhookBacklog1798100000000,
  SecurityInfoCarriesLanguage1798200000000,
  UnusedSinceColumn1798300000000,
  UnusedNoticeMark1798400000000,
  SecurityInfoAsTuples1798500000000,
];

/** Any 64-bit number works; this one is "app-pwd" in ASCII, so it is recognisable in pg_locks. */
const MIGRATION_LOCK_KEY = 0x6170702d707764n;

/**
 * `runtime`: every connection acts as the runtime role (PostgreSQL's `role`
 * setting in the start-up packet, so not even the first query runs as the
 * owner), which row-level security holds to one tenant per transaction.
 * Without it: the owner, for migrations, the CLI and test fixtures.
 * `mail`: changes made through these connections queue mail notifications
 * (`app_passwords.mail = on`, which the trigger on audit_events reads; see
 * migration MailNotifications): set by servers and the CLI with SMTP_URL.
 * `entities`: the tables the services read and write through TypeORM
 * (services.ts lists them); without them, raw SQL and migrations only.
 * `poolSize`: each caller says (the server's default is config's
 * defaultDatabasePoolSize).
 */
export function createDataSource(
  url: string,
  poolSize: number,
  options: { runtime?: boolean; mail?: boolean; entities?: Entities } = {},
): DataSource {
  const settings = [...(options.runtime ? [`-c role=${RUNTIME_ROLE}`] : []), ...(options.mail ? ['-c app_passwords.mail=on'] : [])];
  return new DataSource({
    type: 'postgres',
    url,
    entities: options.entities ?? [],
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    logger: new StatementCounter(),
    extra: {
      max: poolSize,
      application_name: 'app-passwords',
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    },
  });
}

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so
 * instances that start together take turns instead of racing; the ones that
 * wait find nothing left to do. Lock and migrations share one connection, so
 * this works with a pool of one.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const executor = new MigrationExecutor(dataSource, lock);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    await lock.release();
  }
}
