import pino from 'pino';

/** One JSON object per line (pino). Per-request lines come from `logger.child({ reqId })`. */
export type Logger = pino.Logger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where credentials could sit if someone ever logged a request, a response or
 * a database error. Nothing logs headers today; this is the net under that
 * rule. TypeORM's QueryFailedError carries the query's parameters.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  'err.parameters',
  'err.driverError.parameters',
];

/**
 * The process's logger: JSON lines with an ISO time and the level's name, to
 * stdout (synchronously, so nothing is lost when the process exits) unless
 * a destination is given (tests collect lines in memory).
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
