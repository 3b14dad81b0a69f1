import { describe, expect, it } from 'vitest';
import { dateInputToIso, dateRange, daysAgo } from './dates';

describe('admin date helpers', () => {
  it('a date input is the start of that local day; as an end, the start of the next (the API end is exclusive)', () => {
    expect(dateInputToIso('2026-03-05')).toBe(new Date(2026, 2, 5).toISOString());
    expect(dateInputToIso('2026-03-05', true)).toBe(new Date(2026, 2, 6).toISOString());
    expect(dateInputToIso('2026-12-31', true)).toBe(new Date(2027, 0, 1).toISOString());
    expect(dateInputToIso('')).toBeUndefined();
  });

  it('days are counted in calendar days, at the same local time', () => {
    const now = new Date(2026, 2, 1, 15, 30);
    expect(daysAgo(1, now)).toEqual(new Date(2026, 1, 28, 15, 30));
    expect(daysAgo(-30, now)).toEqual(new Date(2026, 2, 31, 15, 30));
  });

  it('a range from two date inputs runs from the start of the first day to the end of the last; an empty input is no limit', () => {
    expect(dateRange({ from: '2026-03-05', to: '2026-03-05' })).toEqual({
      from: new Date(2026, 2, 5).toISOString(),
      to: new Date(2026, 2, 6).toISOString(),
    });
    expect(dateRange({ from: '', to: '' })).toEqual({ from: null, to: null });
  });
});
