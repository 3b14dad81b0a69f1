import { describe, expect, it } from 'vitest';
import { dateBounds, dateProblem, endOfDay, expiryInput, expiryOptions, parseExpiryOption } from './expiry';

describe('the expiry choice', () => {
  it('offers "never" and every preset when the organisation has no maximum, "never" first', () => {
    expect(expiryOptions(null)).toEqual(['never', '30', '90', '365', 'date']);
    expect(expiryOptions(undefined)).toEqual(['never', '30', '90', '365', 'date']);
  });

  it('with a maximum: no "never", the maximum first, and only the presets shorter than it', () => {
    expect(expiryOptions(3650)).toEqual(['max', '30', '90', '365', 'date']);
    expect(expiryOptions(180)).toEqual(['max', '30', '90', 'date']);
    // A preset as long as the maximum is offered once, as the maximum.
    expect(expiryOptions(90)).toEqual(['max', '30', 'date']);
    expect(expiryOptions(7)).toEqual(['max', 'date']);
  });

  it("sends nothing for the organisation's default, the days of a preset, or the end of the chosen day", () => {
    expect(expiryInput(parseExpiryOption('never'))).toEqual({});
    expect(expiryInput(parseExpiryOption('max'))).toEqual({});
    expect(expiryInput(parseExpiryOption('30'))).toEqual({ expiresInDays: 30 });
    expect(expiryInput(parseExpiryOption('365'))).toEqual({ expiresInDays: 365 });
    const sent = expiryInput(parseExpiryOption('date'), '2027-03-14');
    expect(sent).toEqual({ expiresAt: new Date(2027, 2, 14, 23, 59, 59, 999).toISOString() });
    expect(Object.keys(sent)).toEqual(['expiresAt']);
  });

  it("the end of a day is its last millisecond in the browser's time zone; not-days are refused", () => {
    const end = endOfDay('2027-03-14')!;
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2027, 2, 14, 23, 59]);
    expect(endOfDay('2027-02-31')).toBeUndefined();
    expect(endOfDay('14-03-2027')).toBeUndefined();
    expect(endOfDay('')).toBeUndefined();
  });

  it('the date input takes today up to the last day that ends within the maximum from now', () => {
    const now = new Date(2026, 11, 6, 10, 30);
    // No maximum: the 10 years the server takes at most (3650 days from 6 December 2026 is 3 December 2036).
    expect(dateBounds(null, now)).toEqual({ min: '2026-12-06', max: '2036-12-02' });
    // 30 days from 10:30 on 6 December is 10:30 on 5 January: the 5th ends after that, the 4th is the last day.
    expect(dateBounds(30, now)).toEqual({ min: '2026-12-06', max: '2027-01-04' });
    expect(dateProblem('', 30, now)).toBe('missing');
    expect(dateProblem('2026-12-05', 30, now)).toBe('invalid');
    expect(dateProblem('2026-12-06', 30, now)).toBeUndefined();
    expect(dateProblem('2027-01-04', 30, now)).toBeUndefined();
    expect(dateProblem('2027-01-05', 30, now)).toBe('invalid');
    expect(dateProblem('2036-12-02', null, now)).toBeUndefined();
    expect(dateProblem('2099-01-01', null, now)).toBe('invalid');
  });
});
