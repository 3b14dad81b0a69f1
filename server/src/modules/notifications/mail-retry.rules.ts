/** The first retry comes after about this long; each further one waits twice as long… */
export const FIRST_RETRY_SECONDS = 5;
/** …up to this, */
export const LONGEST_RETRY_SECONDS = 60 * 60;
/** and a mail that could not be sent for this long is given up (failed, logged, counted). */
export const GIVE_UP_AFTER_SECONDS = 3 * 24 * 60 * 60;

/**
 * When to try a mail again after its `attempts`-th attempt failed for a
 * reason that may pass (the mail server down or busy): exponential backoff
 * with jitter (half of the delay is random), so instances that failed
 * together do not come back together. `undefined`: give up, the message is
 * older than three days.
 */
export function nextAttempt(attempts: number, createdAt: Date, now: Date, random: number = Math.random()): Date | undefined {
  if (now.getTime() - createdAt.getTime() >= GIVE_UP_AFTER_SECONDS * 1000) return undefined;
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const delay = Math.min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** exponent);
  const jittered = delay / 2 + (delay / 2) * Math.min(Math.max(random, 0), 1);
  return new Date(now.getTime() + jittered * 1000);
}

/**
 * Whether an SMTP failure is for good: the server refused this message or
 * recipient (5xx, e.g. no such mailbox). Connection problems and 4xx
 * (try later) are worth another attempt.
 */
export function isPermanentFailure(error: { responseCode?: number } | unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
