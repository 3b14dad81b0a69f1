import type { Logger } from './common/logger.js';
import type { Services } from './services.js';

/** How often an instance looks for tenants whose daily app-password clean-up is due (each runs once per UTC day). */
const CLEANUP_CHECK_MS = 10 * 60_000;

/**
 * The server's timers: sweeping the sign-in throttles (every 10 minutes),
 * deleting audit events past their tenant's retention (hourly), and the
 * daily app-password clean-up (looked for every 10 minutes; each tenant's
 * run is claimed by one instance per UTC day). None keeps the process
 * alive; `stop` ends them all.
 */
export function startBackgroundJobs(
  services: Pick<Services, 'signInThrottle' | 'auditLog' | 'appPasswordCleanup'>,
  logger: Logger,
): { stop(): void } {
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
  let cleaning = false;
  const cleanup = setInterval(() => {
    if (cleaning) return; // a long run (a million rows) is still going: the next check picks up what is left
    cleaning = true;
    services.appPasswordCleanup
      .runDue()
      .then((report) => {
        if (report.tenants > 0) logger.info({ cleanup: report }, 'Daily app-password clean-up done');
      })
      .catch((error) => logger.error({ err: error }, 'Could not run the daily app-password clean-up'))
      .finally(() => (cleaning = false));
  }, CLEANUP_CHECK_MS);
  cleanup.unref();
  return {
    stop: () => {
      clearInterval(sweep);
      clearInterval(retention);
      clearInterval(cleanup);
    },
  };
}
