/** Local-time date helpers for filters and charts: the admin thinks in their own days, the API in instants. */

/** The same moment `days` days earlier (calendar days, so summer time does not shift it). */
export function daysAgo(days: number, now = new Date()): Date {
  const date = new Date(now);
  date.setDate(date.getDate() - days);
  return date;
}

/**
 * An <input type="date"> value as the instant its local day starts; with
 * `endOfDay`, the instant the next day starts (the API's `to` is exclusive,
 * so "to 3 May" includes all of 3 May). Empty input: undefined.
 */
export function dateInputToIso(value: string, endOfDay = false): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [, y, m, d] = match;
  return new Date(Number(y), Number(m) - 1, Number(d) + (endOfDay ? 1 : 0)).toISOString();
}

/** The two date fields of a filter bar as the API's `from` and `to`: from the start of the first day to the end of the last. */
export function dateRange(range: { from: string; to: string }): { from: string | null; to: string | null } {
  return { from: dateInputToIso(range.from) ?? null, to: dateInputToIso(range.to, true) ?? null };
}
