import { MAX_APP_PASSWORD_LIFETIME_DAYS, type CreateAppPasswordInput } from '@app-passwords/schema';

/**
 * When a new app password stops working, as its owner chooses it: the
 * organisation's default ("never" without a maximum, else the maximum), a
 * number of days, or the end of a day picked in a date input.
 */
export type ExpiryChoice = { kind: 'default' } | { kind: 'days'; days: number } | { kind: 'date' };

/** The preset lengths offered, shortest first. */
export const EXPIRY_PRESET_DAYS = [30, 90, 365] as const;

/** The radio values of the expiry choice, in the order shown: the organisation's default first. */
export function expiryOptions(maxLifetimeDays: number | null | undefined): string[] {
  const max = maxLifetimeDays ?? null;
  // A preset as long as the maximum would say the same as "the maximum": offered once, as the maximum.
  const presets = EXPIRY_PRESET_DAYS.filter((days) => max === null || days < max).map(String);
  return [max === null ? 'never' : 'max', ...presets, 'date'];
}

/** The radio value as a choice. */
export function parseExpiryOption(value: string): ExpiryChoice {
  if (value === 'date') return { kind: 'date' };
  const days = Number(value);
  return Number.isInteger(days) && days > 0 ? { kind: 'days', days } : { kind: 'default' };
}

/** A day as the date input writes it (YYYY-MM-DD), in the browser's time zone. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last millisecond of a day given as YYYY-MM-DD, in the browser's time zone; undefined for anything else. */
export function endOfDay(day: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const end = new Date(year, month - 1, date, 23, 59, 59, 999);
  // new Date rolls 2026-02-31 over into March: not a day.
  return end.getFullYear() === year && end.getMonth() === month - 1 && end.getDate() === date ? end : undefined;
}

/**
 * The days the date input accepts: from today to the last day whose end is
 * within the maximum lifetime from now (the server measures the maximum from
 * the moment it creates the app password); without one, within the 10 years
 * the server takes at most.
 */
export function dateBounds(maxLifetimeDays: number | null | undefined, now = new Date()): { min: string; max: string } {
  const min = isoDay(now);
  maxLifetimeDays ??= MAX_APP_PASSWORD_LIFETIME_DAYS;
  const last = new Date(now.getFullYear(), now.getMonth(), now.getDate() + maxLifetimeDays, 23, 59, 59, 999);
  // The end of day today+max is later than now+max (unless now is the very end of a day): the day before.
  if (last.getTime() > now.getTime() + maxLifetimeDays * 86_400_000) last.setDate(last.getDate() - 1);
  return { min, max: isoDay(last) };
}

/** What is wrong with a chosen day, if anything: missing, not a day, in the past, or beyond the maximum. */
export function dateProblem(day: string, maxLifetimeDays: number | null | undefined, now = new Date()): 'missing' | 'invalid' | undefined {
  if (day.trim() === '') return 'missing';
  const end = endOfDay(day);
  if (!end) return 'invalid';
  const { min, max } = dateBounds(maxLifetimeDays, now);
  return day < min || day > max ? 'invalid' : undefined;
}

/** The fields of CreateAppPasswordInput for a choice: none for the organisation's default. */
export function expiryInput(choice: ExpiryChoice, day = ''): Pick<CreateAppPasswordInput, 'expiresInDays' | 'expiresAt'> {
  if (choice.kind === 'days') return { expiresInDays: choice.days };
  if (choice.kind === 'date') {
    const end = endOfDay(day);
    return end ? { expiresAt: end.toISOString() } : {};
  }
  return {};
}
