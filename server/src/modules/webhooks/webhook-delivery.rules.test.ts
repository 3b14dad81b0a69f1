import { describe, expect, it } from 'vitest';
import { isDelivered, nextAttemptAt } from './webhook-delivery.rules.js';

const rules = { retryBaseMs: 5_000, retryMaxDelayMs: 3_600_000, retryWindowMs: 24 * 3_600_000 };
const start = new Date('2026-12-06T10:00:00Z');
const after = (ms: number) => new Date(start.getTime() + ms);

describe('when a delivery is tried again', () => {
  it('doubles the delay with each failure, between half and all of it (jitter)', () => {
    expect(nextAttemptAt(1, start, start, rules, () => 0)).toEqual(after(2_500));
    expect(nextAttemptAt(1, start, start, rules, () => 1)).toEqual(after(5_000));
    expect(nextAttemptAt(3, start, start, rules, () => 1)).toEqual(after(20_000));
    expect(nextAttemptAt(3, start, start, rules, () => 0.5)).toEqual(after(15_000));
  });

  it('waits at most the cap', () => {
    expect(nextAttemptAt(30, start, start, rules, () => 1)).toEqual(after(3_600_000));
    expect(nextAttemptAt(10_000, start, start, rules, () => 1)).toEqual(after(3_600_000));
  });

  it('tries once more at the end of the window, then gives up', () => {
    const late = after(rules.retryWindowMs - 60_000);
    expect(nextAttemptAt(20, start, late, rules, () => 1)).toEqual(after(rules.retryWindowMs));
    expect(nextAttemptAt(21, start, after(rules.retryWindowMs), rules)).toBeNull();
  });

  it('counts only 2xx as delivered: a redirect is a failure', () => {
    expect([200, 201, 204, 299].map(isDelivered)).toEqual([true, true, true, true]);
    expect([199, 301, 302, 307, 400, 410, 500, 503].map(isDelivered)).toEqual(Array(8).fill(false));
  });
});
