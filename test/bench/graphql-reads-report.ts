/** The table of figures 11a–11f (graphql-reads.ts measures them). */
import { availableParallelism } from 'node:os';
import type { KindKey } from './graphql-reads.js';
import { percentile } from './load-generator.js';
import { fixed, mib, micros, ms, passOrMiss, type Row, type Table } from './table.js';

/** One measured round of one kind. */
export interface Sample {
  requestsPerSecond: number;
  /** Answers that were the checked one, and all others (non-2xx, errors, another body, broken connections). */
  ok: number;
  failed: number;
  requests: number;
  statuses: Map<number | string, number>;
  seconds: number;
  /** Server process CPU (user + system) over the window. */
  cpuMicros: number;
  /** SQL statements the server sent over the window; undefined for the bare server or without the counter. */
  statements: number | undefined;
  latenciesMs: Float64Array;
}

export interface KindResult {
  samples: Sample[];
  /** The anonymous window next to each of `samples` (none for anonymous itself). */
  baseline: Sample[];
  maxRssBytes: number;
}

export interface RunShape {
  connections: number;
  rounds: number;
  seconds: number;
  many: number;
  page: number;
}

/** All rounds of one kind together. */
function total(samples: Sample[]) {
  const sum = (f: (s: Sample) => number) => samples.reduce((t, s) => t + f(s), 0);
  const requests = Math.max(
    1,
    sum((s) => s.requests),
  );
  const latencies = Float64Array.from(samples.flatMap((s) => [...s.latenciesMs]));
  const statuses = new Map<number | string, number>();
  for (const s of samples) for (const [status, n] of s.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  return {
    requestsPerSecond: sum((s) => s.ok) / sum((s) => s.seconds),
    failed: sum((s) => s.failed),
    statuses,
    cpuMicrosPerRequest: sum((s) => s.cpuMicros) / requests,
    statementsPerRequest: samples.some((s) => s.statements === undefined) ? undefined : sum((s) => s.statements!) / requests,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const FIGURES: Array<{ key: KindKey; figure: (shape: RunShape) => string; target?: number }> = [
  { key: 'anonymous', figure: () => '11a. anonymous `{ __typename }` (the baseline)' },
  { key: 'cookie', figure: () => '11b. `{ __typename }` with a session cookie ÷ anonymous' },
  { key: 'viewer', figure: () => '11c. `{ viewer { id email } }` ÷ anonymous', target: 0.7 },
  { key: 'securityInfo', figure: (s) => `11d. SecurityInfo, ${s.many} app passwords ÷ anonymous`, target: 0.35 },
  { key: 'adminPage', figure: (s) => `11e. AdminAppPasswords first page (${s.page} rows) ÷ anonymous` },
  { key: 'bare', figure: () => '11f. anonymous ÷ bare node:http' },
];

export function graphqlReport(results: Map<KindKey, KindResult>, shape: RunShape): Table {
  const sql = (n: number | undefined) => (n === undefined ? 'n/a' : fixed(n, n < 10 ? 2 : 1));
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const { key, figure, target } of FIGURES) {
    const result = results.get(key);
    if (!result) continue;
    const t = total(result.samples);
    const paired = total(result.baseline);
    // Per pair of adjacent windows; 11f divides the other way round: the app's baseline by the bare server.
    const [numerator, denominator] = key === 'bare' ? [result.baseline, result.samples] : [result.samples, result.baseline];
    const rounds = key === 'anonymous' ? [] : numerator.map((s, i) => s.requestsPerSecond / denominator[i]!.requestsPerSecond);
    const ratio = key === 'anonymous' ? 1 : percentile(rounds, 50);
    const absolute =
      key === 'bare'
        ? `${Math.round(paired.requestsPerSecond)} / ${Math.round(t.requestsPerSecond)} req/s; CPU ${micros(paired.cpuMicrosPerRequest)} / ${micros(t.cpuMicrosPerRequest)} per request`
        : key === 'anonymous'
          ? `${Math.round(t.requestsPerSecond)} req/s; ${sql(t.statementsPerRequest)} SQL statements/request`
          : `${Math.round(t.requestsPerSecond)} / ${Math.round(paired.requestsPerSecond)} req/s; ${sql(t.statementsPerRequest)} SQL statements/request`;
    rows.push([
      figure(shape),
      `${fixed(ratio)}  (${absolute})`,
      target === undefined ? '–' : `≥ ${fixed(target)}`,
      target === undefined ? 'info' : passOrMiss(ratio >= target),
    ]);
    const failed = t.failed === 0 ? 'none' : `${t.failed}: ${JSON.stringify([...t.statuses].filter(([s]) => s !== 200 && s !== 204))}`;
    notes.push(
      `${key.padEnd(12)} ${Math.round(t.requestsPerSecond)} req/s` +
        (key === 'anonymous'
          ? ''
          : `, ${key === 'bare' ? 'anonymous ÷ bare' : '÷ anonymous'} by round ${rounds.map((r) => fixed(r)).join(' ')}`) +
        `; p50 / p99 ${ms(t.p50)} / ${ms(t.p99)}; server CPU ${micros(t.cpuMicrosPerRequest)}/request` +
        (key === 'bare' ? '; ' : `; SQL ${sql(t.statementsPerRequest)}/request; `) +
        `peak RSS ${mib(result.maxRssBytes)}; failed or unexpected answers during the load: ${failed}`,
    );
  }
  return {
    title: [
      `GraphQL reads — ${availableParallelism()} cores, Node ${process.version}; POST /graphql as the console sends it, ${shape.connections} keep-alive connections`,
      `${shape.rounds} rounds; in each, every kind for ${shape.seconds} s next to ${shape.seconds} s of the baseline (alternately before and after), in rotating order; a figure is the median of the rounds' ratios, beside it the requests/s of the kind's windows and of their baseline windows`,
    ],
    rows,
    notes,
  };
}
