/** One line of a report: figure, value (with its parts), target, PASS / MISS / info. */
export type Row = [figure: string, value: string, target: string, result: string];

/** A titled table and the lines printed under it. */
export interface Table {
  title: string[];
  rows: Row[];
  notes: string[];
}

export const fixed = (n: number, digits = 2) => n.toFixed(digits);
export const micros = (n: number | undefined) => (n === undefined ? 'n/a' : `${Math.round(n)} µs`);
export const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
export const passOrMiss = (ok: boolean) => (ok ? 'PASS' : 'MISS');

export function formatTable(table: Table): string {
  const header: Row = ['figure', 'value', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    '',
    ...table.title,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.rows.map(line),
    ...(table.notes.length > 0 ? ['', ...table.notes] : []),
  ].join('\n');
}
