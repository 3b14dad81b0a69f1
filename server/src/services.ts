import { availableParallelism } from 'node:os';
import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import { createLogger, type Logger } from './common/logger.js';
import { ServerKeys } from './common/server-keys.js';
import { WorkLimiter } from './common/work-limiter.js';
import { ApiToken } from './modules/api-tokens/api-token.entity.js';
import { AppPassword } from './modules/app-passwords/app-password.entity.js';
import { AuditEvent } from './modules/audit/audit-event.entity.js';
import { IdentityProvider } from './modules/single-sign-on/identity-provider.entity.js';
import { Session } from './modules/sign-in/session.entity.js';
import { TenantPolicy } from './modules/tenant-policies/tenant-policy.entity.js';
import { Tenant } from './modules/tenants/tenant.entity.js';
import { User } from './modules/users/user.entity.js';
import { WebhookEndpoint } from './modules/webhooks/webhook-endpoint.entity.js';
import { ApiTokenService } from './modules/api-tokens/api-token.service.js';
import { AppPasswordCleanupService } from './modules/app-password-cleanup/app-password-cleanup.service.js';
import { AppPasswordInventoryService } from './modules/app-passwords/app-password-inventory.service.js';
import {
  revokeAfterPasswordChange,
  revokeTenantAppPasswords,
  revokeUserAppPasswords,
} from './modules/app-passwords/app-password-revocation.js';
import { AppPasswordRotationService } from './modules/app-passwords/app-password-rotation.service.js';
import { AppPasswordSignInService } from './modules/app-passwords/app-password-sign-in.service.js';
import { AppPasswordCreationService } from './modules/app-passwords/app-password-creation.service.js';
import { AppPasswordService } from './modules/app-passwords/app-password.service.js';
import { AuditLogService } from './modules/logs/audit-log.service.js';
import { ScimUserService } from './modules/scim/scim-users.service.js';
import { MailDelivery } from './modules/notifications/mail-delivery.js';
import { ConsoleAttempts } from './modules/sign-in/console-attempts.js';
import { endSessions } from './modules/sign-in/end-sessions.js';
import { SessionService } from './modules/sign-in/session.service.js';
import { SignInLog } from './modules/sign-in/sign-in-log.js';
import { SignInThrottle } from './modules/sign-in/sign-in-throttle.js';
import { ServiceCatalogService } from './modules/services/service-catalog.service.js';
import { TenantPolicyService } from './modules/tenant-policies/tenant-policy.service.js';
import { TenantService } from './modules/tenants/tenant.service.js';
import { TwoStepResetService } from './modules/two-step/two-step-reset.service.js';
import { TwoStepService } from './modules/two-step/two-step.service.js';
import { PasswordChangeService } from './modules/users/password-change.service.js';
import { UserAdminService } from './modules/users/user-admin.service.js';
import { UserLifecycleService } from './modules/users/user-lifecycle.service.js';
import { UserService } from './modules/users/user.service.js';
import { createUserOnFirstSignIn } from './modules/single-sign-on/first-sign-in-user.js';
import { IdentityProviderService, identityProviderConfigured } from './modules/single-sign-on/identity-provider.service.js';
import { SingleSignOnService } from './modules/single-sign-on/single-sign-on.service.js';
import { WebhookService } from './modules/webhooks/webhook.service.js';

/**
 * Every table the services map through TypeORM, each owned by its module:
 * the data source takes this list from here (listed explicitly: globs of
 * `.ts` files break under vitest and bundlers).
 */
export const entities = [Tenant, TenantPolicy, User, AppPassword, Session, AuditEvent, ApiToken, IdentityProvider, WebhookEndpoint];

export interface Services {
  tenants: TenantService;
  tenantPolicies: TenantPolicyService;
  serviceCatalog: ServiceCatalogService;
  users: UserService;
  passwordChange: PasswordChangeService;
  sessions: SessionService;
  /** A user creating an app password, within the tenant's rules. */
  appPasswordCreation: AppPasswordCreationService;
  /** A user's own app passwords: seeing, narrowing, renaming, deleting. */
  appPasswords: AppPasswordService;
  appPasswordInventory: AppPasswordInventoryService;
  /** The daily clean-up: unused app passwords (notice, then revoke) and expiry reminders. */
  appPasswordCleanup: AppPasswordCleanupService;
  /** New secrets for existing app passwords, and the end of their overlaps. */
  appPasswordRotation: AppPasswordRotationService;
  userAdmin: UserAdminService;
  /** Creating, re-roling, renaming, disabling and deleting users (admins, SCIM, single sign-on). */
  userLifecycle: UserLifecycleService;
  auditLog: AuditLogService;
  apiTokens: ApiTokenService;
  /** Users as identity providers provision them over SCIM. */
  scimUsers: ScimUserService;
  /** Failure counters of every kind of sign-in: app passwords, console passwords, two-step codes. */
  signInThrottle: SignInThrottle;
  twoStep: TwoStepService;
  /** Admins and operators resetting a locked-out user's two-step verification. */
  twoStepReset: TwoStepResetService;
  signInLog: SignInLog;
  appPasswordSignIn: AppPasswordSignInService;
  /** The tenant's OpenID Connect provider, as its admins configure it. */
  identityProviders: IdentityProviderService;
  /** Console sign-in through the tenant's provider. */
  singleSignOn: SingleSignOnService;
  /** The server key and the ones it replaced. */
  keys: ServerKeys;
  /** argon2 for app-password checks: about one job per core, a short queue, then "busy". */
  argon2: WorkLimiter;
  /** Tenant admins' webhook endpoints and their deliveries (the posting is WebhookDispatcher's, started by the app). */
  webhooks: WebhookService;
  /** Sends queued mail notifications once started (only with SMTP_URL). */
  mailDelivery: MailDelivery;
}

/**
 * Builds every service once, each with what it needs: the server, the CLI
 * and the benchmarks share this. Where a lower module needs something of a
 * higher one (tenant policies and password changes revoking app passwords),
 * it is handed in here. `logger` defaults to warnings and errors on stderr
 * (the CLI, whose stdout is its answer).
 */
export function createServices(
  db: DataSource,
  config: Pick<Config, 'appPasswordLookupKey' | 'appPasswordCacheTtlSeconds'> &
    Partial<Pick<Config, 'appPasswordPreviousLookupKeys' | 'requireService' | 'publicUrl' | 'webhooks' | 'smtp' | 'mailFrom'>>,
  logger: Logger = createLogger('warn', process.stderr),
  /** Where browsers reach this server (PUBLIC_URL); the HTTP server passes where it listens when none is configured. */
  publicUrl: () => string = () => config.publicUrl ?? 'http://localhost:4000',
): Services {
  const keys = new ServerKeys(config.appPasswordLookupKey, config.appPasswordPreviousLookupKeys);
  const cores = availableParallelism();
  const argon2 = new WorkLimiter(cores, 4 * cores);
  const signInThrottle = new SignInThrottle(db, (error) =>
    logger.error({ err: error }, 'Could not settle a sign-in attempt after its answer'),
  );
  const twoStep = new TwoStepService(db, keys, endSessions, revokeUserAppPasswords);
  const signInLog = new SignInLog(db, (error) => logger.error({ err: error }, 'Could not write the sign-in log; will retry'));
  const consoleAttempts = new ConsoleAttempts(db, signInThrottle, signInLog);
  const sessions = new SessionService(db, signInThrottle, consoleAttempts, twoStep);
  const users = new UserService(db);
  const userLifecycle = new UserLifecycleService(db, revokeUserAppPasswords);
  const identityProviders = new IdentityProviderService(db, keys, publicUrl, logger);
  return {
    tenants: new TenantService(db),
    tenantPolicies: new TenantPolicyService(db, revokeTenantAppPasswords, identityProviderConfigured),
    serviceCatalog: new ServiceCatalogService(db),
    users,
    passwordChange: new PasswordChangeService(
      db,
      (who, password, request) => sessions.verifyPassword(who, password, request),
      revokeAfterPasswordChange,
    ),
    sessions,
    appPasswordCreation: new AppPasswordCreationService(db, keys),
    appPasswords: new AppPasswordService(db),
    appPasswordInventory: new AppPasswordInventoryService(db),
    appPasswordCleanup: new AppPasswordCleanupService(db, {
      onError: (error, tenantId) => logger.error({ err: error, tenantId }, 'The daily app-password clean-up failed for a tenant'),
    }),
    appPasswordRotation: new AppPasswordRotationService(db, keys),
    userAdmin: new UserAdminService(db),
    userLifecycle,
    auditLog: new AuditLogService(db),
    apiTokens: new ApiTokenService(db, keys),
    scimUsers: new ScimUserService(db, revokeUserAppPasswords),
    signInThrottle,
    twoStep,
    twoStepReset: new TwoStepResetService(db, twoStep, endSessions, revokeUserAppPasswords),
    signInLog,
    appPasswordSignIn: new AppPasswordSignInService(
      db,
      keys,
      signInThrottle,
      signInLog,
      argon2,
      config.appPasswordCacheTtlSeconds * 1000,
      config.requireService ?? false,
    ),
    argon2,
    keys,
    identityProviders,
    singleSignOn: new SingleSignOnService(db, identityProviders, sessions, createUserOnFirstSignIn(userLifecycle), consoleAttempts, logger),
    // Without webhook settings (the CLI, the benchmarks' services): production's rules, no local addresses.
    webhooks: new WebhookService(db, keys, config.webhooks?.allowLocal ?? false),
    mailDelivery: new MailDelivery(
      db,
      config.smtp && config.mailFrom ? { smtp: config.smtp, from: config.mailFrom, publicUrl } : undefined,
      logger,
    ),
  };
}
