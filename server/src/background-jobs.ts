import type { Logger } from './common/logger.js';
import type { Services } from './services.js';

/**
 * The server's timers: sweeping the sign-in throttles (every
 * 10 minutes) and deleting audit events past their tenant's retention
 * (hourly), and webhook deliveries that ended more than 30 days ago
 * (hourly). None keeps the process alive; `stop` ends them.
 */
export function startBackgroundJobs(
  services: Pick<Services, 'signInThrottle' | 'auditLog' | 'webhooks'>,
  logger: Logger,
): { stop(): void } {
  const sweep = setInterval(
    () => void services.signInThrottle.sweep().catch((error) => logger.error({ err: error }, 'Could not sweep sign-in throttles')),
    10 * 60_000,
  );
  sweep.unref();
  const retention = setInterval(() => {
    void services.auditLog.applyRetention().catch((error) => logger.error({ err: error }, 'Could not apply audit retention'));
    void services.webhooks.applyRetention().catch((error) => logger.error({ err: error }, 'Could not delete old webhook deliveries'));
  }, 60 * 60_000);
  retention.unref();
  return {
    stop: () => {
      clearInterval(sweep);
      clearInterval(retention);
    },
  };
}
