import { describe, expect, it } from 'vitest';
import { dateInputToIso, dayKey, daysAgo, startOfDay } from './dates';

describe('admin date helpers', () => {
  it('a date input is the start of that local day; as an end, the start of the next (the API end is exclusive)', () => {
    expect(dateInputToIso('2026-03-05')).toBe(new Date(2026, 2, 5).toISOString());
    expect(dateInputToIso('2026-03-05', true)).toBe(new Date(2026, 2, 6).toISOString());
    expect(dateInputToIso('2026-12-31', true)).toBe(new Date(2027, 0, 1).toISOString());
    expect(dateInputToIso('')).toBeUndefined();
  });

  it('days are counted in calendar days and keyed by local date', () => {
    const now = new Date(2026, 2, 1, 15, 30);
    expect(dayKey(daysAgo(1, now))).toBe('2026-02-28');
    expect(dayKey(daysAgo(-30, now))).toBe('2026-03-31');
    expect(startOfDay(now).getHours()).toBe(0);
  });
});
