import type { Logger } from './common/logger.js';
import type { Services } from './services.js';

/**
 * The server's timers: sweeping the sign-in throttles (every 10 minutes),
 * ending app-password rotations whose overlap is over (every 5 minutes; the
 * checks refuse those old secrets at the hour anyway, this forgets and audits
 * them), deleting audit events past their tenant's retention (hourly), webhook
 * deliveries that ended more than 30 days ago (hourly), and the daily
 * app-password clean-up (looked for every 10 minutes; each tenant's run is
 * claimed by one instance per UTC day, and a check while this instance's last
 * one is still going is skipped). None keeps the process alive; `stop` ends
 * them all.
 */
export function startBackgroundJobs(
  services: Pick<Services, 'signInThrottle' | 'auditLog' | 'appPasswordRotation' | 'appPasswordCleanup' | 'webhooks'>,
  logger: Logger,
): { stop(): void } {
  const every = (minutes: number, job: () => Promise<unknown>, failure: string) => {
    const timer = setInterval(() => void job().catch((error) => logger.error({ err: error }, failure)), minutes * 60_000);
    timer.unref();
    return timer;
  };
  let cleaning: Promise<unknown> | undefined;
  const cleanup = async () => {
    if (cleaning) return; // a long run (a million rows) is still going
    cleaning = services.appPasswordCleanup.runDue().then((report) => {
      if (report.tenants > 0) logger.info({ cleanup: report }, 'Daily app-password clean-up done');
    });
    try {
      await cleaning;
    } finally {
      cleaning = undefined;
    }
  };
  const timers = [
    every(10, () => services.signInThrottle.sweep(), 'Could not sweep sign-in throttles'),
    every(5, () => services.appPasswordRotation.endOverlaps(), 'Could not end app-password rotation overlaps'),
    every(60, () => services.auditLog.applyRetention(), 'Could not apply audit retention'),
    every(10, cleanup, 'Could not run the daily app-password clean-up'),
    every(60, () => services.webhooks.applyRetention(), 'Could not delete old webhook deliveries'),
  ];
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
}
