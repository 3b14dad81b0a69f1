import type { Logger } from './common/logger.js';
import type { Services } from './services.js';

/**
 * The server's timers: sweeping the sign-in throttles (every 10 minutes),
 * ending app-password rotations whose overlap is over (every 5 minutes; the
 * checks refuse those old secrets at the hour anyway, this forgets and audits
 * them) and deleting audit events past their tenant's retention (hourly).
 * None keeps the process alive; `stop` ends them all.
 */
export function startBackgroundJobs(
  services: Pick<Services, 'signInThrottle' | 'auditLog' | 'appPasswordRotation'>,
  logger: Logger,
): { stop(): void } {
  const every = (minutes: number, job: () => Promise<unknown>, failure: string) => {
    const timer = setInterval(() => void job().catch((error) => logger.error({ err: error }, failure)), minutes * 60_000);
    timer.unref();
    return timer;
  };
  const timers = [
    every(10, () => services.signInThrottle.sweep(), 'Could not sweep sign-in throttles'),
    every(5, () => services.appPasswordRotation.endOverlaps(), 'Could not end app-password rotation overlaps'),
    every(60, () => services.auditLog.applyRetention(), 'Could not apply audit retention'),
  ];
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
}
