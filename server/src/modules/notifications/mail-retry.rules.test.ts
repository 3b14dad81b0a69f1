import { describe, expect, it } from 'vitest';
import { FIRST_RETRY_SECONDS, GIVE_UP_AFTER_SECONDS, LONGEST_RETRY_SECONDS, isPermanentFailure, nextAttempt } from './mail-retry.rules.js';

const now = new Date('2026-12-06T12:00:00Z');
const secondsUntil = (date: Date | undefined) => (date!.getTime() - now.getTime()) / 1000;

describe('nextAttempt', () => {
  it('waits twice as long after each failure, between half and all of the delay', () => {
    for (const [attempts, delay] of [
      [1, FIRST_RETRY_SECONDS],
      [2, 2 * FIRST_RETRY_SECONDS],
      [5, 16 * FIRST_RETRY_SECONDS],
    ] as const) {
      expect(secondsUntil(nextAttempt(attempts, now, now, 0))).toBe(delay / 2);
      expect(secondsUntil(nextAttempt(attempts, now, now, 1))).toBe(delay);
      expect(secondsUntil(nextAttempt(attempts, now, now, 0.5))).toBe((delay * 3) / 4);
    }
  });

  it('never waits longer than an hour, however many attempts failed', () => {
    expect(secondsUntil(nextAttempt(40, now, now, 1))).toBe(LONGEST_RETRY_SECONDS);
    expect(secondsUntil(nextAttempt(1000, now, now, 0))).toBe(LONGEST_RETRY_SECONDS / 2);
  });

  it('gives up on a mail queued three days ago, not before', () => {
    const queued = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000);
    expect(nextAttempt(3, queued(GIVE_UP_AFTER_SECONDS - 1), now, 0)).toBeDefined();
    expect(nextAttempt(3, queued(GIVE_UP_AFTER_SECONDS), now, 0)).toBeUndefined();
  });
});

describe('isPermanentFailure', () => {
  it('is a 5xx answer of the mail server, not a 4xx nor a connection that failed', () => {
    expect(isPermanentFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentFailure({ responseCode: 451 })).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))).toBe(false);
    expect(isPermanentFailure(undefined)).toBe(false);
  });
});
