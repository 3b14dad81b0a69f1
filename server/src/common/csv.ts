/**
 * Where a spreadsheet may begin a cell: the start of ours, or after anything
 * it may split on (a comma, a semicolon in Dutch or German Excel, a tab, a line
 * break), when the next character would start a formula (CSV injection).
 */
const FORMULA_START = /(?<=^|[,;\t\r\n])(?=[=+\-@\t\r])/g;

/**
 * One CSV cell per RFC 4180. Text is always quoted, quotes doubled, so no
 * separator inside it splits the cell, and every place a formula could start
 * gets an apostrophe first (OWASP's advice), so an exported sign-in name like
 * `=HYPERLINK(…)` or a user agent like `x;=cmd|…` stays text in any locale.
 * Numbers and dates are written as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `"${String(value).replace(FORMULA_START, "'").replace(/"/g, '""')}"`;
}

/** One CSV record, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
