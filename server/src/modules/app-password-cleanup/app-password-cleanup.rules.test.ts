import { describe, expect, it } from 'vitest';
import { revokeUnusedAfterDaysProblem } from '../tenant-policies/tenant-policy.rules.js';
import { expiryReminderDue, revokeOn, unusedMoments } from './app-password-cleanup.rules.js';

const at = (iso: string) => new Date(iso);
const DAY = 24 * 3600 * 1000;

describe('revokeUnusedAfterDays', () => {
  it('is off (null) or a whole number of days from 30 to 730', () => {
    for (const fine of [null, 30, 90, 730]) expect(revokeUnusedAfterDaysProblem(fine), String(fine)).toBeUndefined();
    for (const bad of [0, 29, 731, -30, 90.5, Number.NaN]) expect(revokeUnusedAfterDaysProblem(bad), String(bad)).toMatch(/30–730/);
  });
});

describe('when an unused app password is told about and revoked', () => {
  const now = at('2026-12-06T11:47:00Z');

  it('tells owners of those due within 7 days, revokes those due today that were told 7 or more days ago', () => {
    expect(unusedMoments(now, 90)).toEqual({
      noticeIfUnusedSince: at('2026-09-14T00:00:00Z'), // + 90 days = 2026-12-13, today + 7
      revokeIfUnusedSince: at('2026-09-07T00:00:00Z'), // + 90 days = today
      revokeIfNoticedBefore: at('2026-11-30T00:00:00Z'), // told on 2026-11-29 or earlier
      firstRevocationOn: '2026-12-13',
    });
  });

  it('revokes on the day it has been unused long enough, but never sooner than 7 days after the notice', () => {
    // Switched on today for an app password unused for a year: 7 days from today.
    expect(revokeOn(at('2025-12-01T08:00:00Z'), 90, now)).toBe('2026-12-13');
    // Told as soon as it was within 7 days: on the day it has been unused 90 days (09-10 08:00 + 90 days is 12-09 08:00, so
    // the 10th is the first whole day), 7 days after the notice.
    expect(revokeOn(at('2026-09-10T08:00:00Z'), 90, at('2026-12-03T01:00:00Z'))).toBe('2026-12-10');
    // Unused exactly 90 days at midnight: that day.
    expect(revokeOn(at('2026-09-10T00:00:00Z'), 90, at('2026-12-01T23:00:00Z'))).toBe('2026-12-09');
  });

  it('agrees with the moments: due on revokeOn, not the day before', () => {
    const unusedSince = at('2026-09-10T08:00:00Z');
    const noticed = at('2026-12-03T01:00:00Z');
    const day = revokeOn(unusedSince, 90, noticed);
    const dayStart = at(`${day}T00:00:00Z`);
    const dueThen = (t: Date) => {
      const m = unusedMoments(t, 90);
      return unusedSince <= m.revokeIfUnusedSince && noticed < m.revokeIfNoticedBefore;
    };
    expect(dueThen(new Date(dayStart.getTime() + 3600_000))).toBe(true);
    expect(dueThen(new Date(dayStart.getTime() - 3600_000))).toBe(false);
  });
});

describe('expiry reminders', () => {
  const now = at('2026-12-06T12:00:00Z');
  const made = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
  const expires = (days: number) => new Date(now.getTime() + days * DAY);

  it('14 days before, then 3 days before, each once', () => {
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(13), sent: null }, now)).toBe(14);
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(13), sent: 14 }, now)).toBeNull();
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(2), sent: 14 }, now)).toBe(3);
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(2), sent: 3 }, now)).toBeNull();
  });

  it('only the later one when the earlier was missed; none for an app password that never lived that long, expired or without expiry', () => {
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(2), sent: null }, now)).toBe(3);
    expect(expiryReminderDue({ createdAt: made(2), expiresAt: expires(10), sent: null }, now)).toBeNull();
    expect(expiryReminderDue({ createdAt: made(2), expiresAt: expires(2), sent: null }, now)).toBe(3);
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(-1), sent: null }, now)).toBeNull();
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: expires(30), sent: null }, now)).toBeNull();
    expect(expiryReminderDue({ createdAt: made(60), expiresAt: null, sent: null }, now)).toBeNull();
  });
});
