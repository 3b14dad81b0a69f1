/** How deliveries are retried (configuration, see config.ts). */
export interface WebhookRetryRules {
  /** The delay after the first failed attempt; it doubles with each further one … */
  retryBaseMs: number;
  /** … up to this. */
  retryMaxDelayMs: number;
  /** After this long since the delivery was made (or sent again), it is given up: failed. */
  retryWindowMs: number;
}

/**
 * When to try a delivery again after its `attempts`-th attempt failed, or
 * null to give up. Exponential backoff with "equal jitter": between half and
 * all of base × 2^(attempts − 1), capped; so endpoints that failed together
 * are not retried in lockstep. The last attempt is at the end of the window.
 */
export function nextAttemptAt(
  attempts: number,
  retryFrom: Date,
  now: Date,
  rules: WebhookRetryRules,
  random: () => number = Math.random,
): Date | null {
  const windowEnd = retryFrom.getTime() + rules.retryWindowMs;
  if (now.getTime() >= windowEnd) return null;
  const ceiling = Math.min(rules.retryMaxDelayMs, rules.retryBaseMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return new Date(Math.min(now.getTime() + delay, windowEnd));
}

/** Only a 2xx answer delivers; a redirect (3xx) is not followed and counts as a failure, like any other status. */
export function isDelivered(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}
