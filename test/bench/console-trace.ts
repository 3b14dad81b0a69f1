/**
 * `BENCH_TRACE_DIR`: Chromium performance traces of first visits to
 * /security-info (figure 10a's navigation), written there (open them in
 * Chrome DevTools' Performance panel), and where the renderer's main thread
 * spent its time between the navigation and the list showing, as notes below
 * the console's table. See README.md, "Measured (issue 15, figure 10a, the
 * browser's time)".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { percentile } from './load-generator.js';

const TRACE_DIR = process.env.BENCH_TRACE_DIR;
const TRACES = Number(process.env.BENCH_TRACES ?? 6);
/** The timeline (what DevTools' Performance panel shows) with V8's sampling profiler at its fine interval. */
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'toplevel',
  'disabled-by-default-v8.cpu_profiler',
  'disabled-by-default-v8.cpu_profiler.hires',
];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { name?: string; data?: Record<string, any> };
}

/** One traced visit, in ms: what ran on the renderer's main thread from the navigation until the list showed. */
interface Breakdown {
  visible: number;
  /** Thread (CPU) time of the main thread's top-level tasks in that window, and from the first module's compilation on. */
  cpu: number;
  cpuAfterScripts: number;
  /** Self time of each kind of timeline event (wall, on the main thread). */
  activities: Map<string, number>;
  /** Self time of each JavaScript function and script file, from the profiler's samples. */
  functions: Map<string, number>;
  scripts: Map<string, number>;
  /** When things happened on the page clock. */
  marks: Map<string, number>;
}

/** Traces `BENCH_TRACES` first visits, each in a fresh context from `open`, timed by `timeList`; returns the notes. */
export async function traceFirstVisits(
  browser: Browser,
  open: () => Promise<BrowserContext>,
  timeList: (page: Page) => Promise<{ visible: number }>,
  log: (line: string) => void,
): Promise<string[]> {
  if (!TRACE_DIR) return [];
  mkdirSync(TRACE_DIR, { recursive: true });
  log(`bench: tracing ${TRACES} first visits into ${TRACE_DIR} …`);
  const visits: Breakdown[] = [];
  for (let i = 0; i < TRACES; i++) {
    const context = await open();
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the renderers start recording a little after the browser
    const { visible } = await timeList(page);
    const trace = await browser.stopTracing();
    await context.close();
    writeFileSync(path.join(TRACE_DIR, `first-visit-${i + 1}.json`), trace);
    const visit = analyse(JSON.parse(trace.toString('utf8')).traceEvents as TraceEvent[], visible);
    if (i > 0 && visit) visits.push(visit); // the first warms up
    if (!visit) log(`bench: trace ${i + 1} did not record the navigation's start; left out`);
  }
  return report(visits);
}

function analyse(events: TraceEvent[], visible: number): Breakdown | undefined {
  const start = events.find((e) => e.name === 'navigationStart' && String(e.args?.data?.documentLoaderURL).includes('/security-info'));
  if (!start) return undefined;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === start.pid && e.args?.name === 'CrRendererMain');
  const onMain = (e: TraceEvent) => e.pid === start.pid && e.tid === (main?.tid ?? start.tid);
  const t0 = start.ts;
  const end = t0 + visible * 1000;
  const inWindow = events.filter((e) => onMain(e) && e.ts >= t0 && e.ts < end);
  const page = (ts: number) => (ts - t0) / 1000;

  // Self time of nested complete events, as DevTools' bottom-up "activities".
  const complete = inWindow.filter((e) => e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const activities = new Map<string, number>();
  const stack: Array<{ e: TraceEvent; self: number }> = [];
  const close = (until: number) => {
    while (stack.length && stack.at(-1)!.e.ts + stack.at(-1)!.e.dur! <= until) {
      const { e, self } = stack.pop()!;
      add(activities, e.name, self / 1000);
    }
  };
  const scriptsIn = complete.find((e) => e.name === 'v8.compileModule')?.ts ?? end;
  let [cpu, cpuAfterScripts, task] = [0, 0, complete[0]];
  for (const e of complete) {
    close(e.ts);
    if (stack.length) stack.at(-1)!.self -= e.dur!;
    else {
      cpu += (e.tdur ?? e.dur!) / 1000;
      task = e;
    }
    if (e === task && e.ts + e.dur! > scriptsIn) cpuAfterScripts += (e.tdur ?? e.dur!) / 1000;
    stack.push({ e, self: e.dur! });
  }
  close(Infinity);

  // The sampling profiler: one Profile event and its chunks per thread.
  const functions = new Map<string, number>();
  const scripts = new Map<string, number>();
  const profile = events.find((e) => e.name === 'Profile' && onMain(e));
  if (profile) {
    const nodes = new Map<number, { functionName: string; url: string; lineNumber: number }>();
    let ts = profile.args!.data!.startTime as number;
    for (const chunk of events.filter((e) => e.name === 'ProfileChunk' && e.id === profile.id && e.pid === profile.pid)) {
      const data = chunk.args!.data!;
      for (const node of data.cpuProfile?.nodes ?? []) nodes.set(node.id, node.callFrame);
      const samples: number[] = data.cpuProfile?.samples ?? [];
      const deltas: number[] = data.timeDeltas ?? [];
      samples.forEach((id, i) => {
        const next = ts + (deltas[i] ?? 0);
        const interval = (deltas[i + 1] ?? 0) / 1000;
        ts = next;
        const frame = nodes.get(id);
        if (!frame || ts < t0 || ts >= end || frame.functionName === '(idle)') return;
        const file = frame.url ? path.basename(new URL(frame.url, 'http://x').pathname) : '';
        add(functions, `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`, interval);
        add(scripts, file || frame.functionName, interval);
      });
    }
  }

  const marks = new Map<string, number>();
  const first = (name: string, test: (e: TraceEvent) => boolean = () => true) => {
    const e = inWindow.find((x) => x.name === name && test(x));
    if (e) marks.set(name, page(e.ts));
  };
  first('ParseHTML');
  first('v8.compileModule');
  first('v8.evaluateModule');
  first('MarkDOMContent');
  first('firstContentfulPaint');
  // The page's files: requested, first byte, last byte (the renderer's view).
  const files = new Map<string, string>();
  for (const e of events.filter((x) => x.pid === start.pid && x.name.startsWith('Resource'))) {
    const data = e.args?.data ?? {};
    if (e.name === 'ResourceSendRequest' && e.ts >= t0) files.set(data.requestId, path.basename(new URL(data.url).pathname) || '/');
    const file = files.get(data.requestId);
    const step = { ResourceSendRequest: 'requested', ResourceReceiveResponse: 'first byte', ResourceFinish: 'last byte' }[e.name];
    if (file && step && file !== 'graphql') marks.set(`${file} ${step}`, page(e.ts));
  }
  marks.set('list visible', visible);
  return { visible, cpu, cpuAfterScripts, activities, functions, scripts, marks };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** Medians over the visits (a key missing from a visit counts 0 there), largest first. */
function medians(maps: Array<Map<string, number>>, top: number, min = 0.5): string {
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  return [...keys]
    .map(
      (k) =>
        [
          k,
          percentile(
            maps.map((m) => m.get(k) ?? 0),
            50,
          ),
        ] as const,
    )
    .filter(([, v]) => v >= min)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join('; ');
}

function report(visits: Breakdown[]): string[] {
  const m = (f: (b: Breakdown) => number) => percentile(visits.map(f), 50).toFixed(0);
  return [
    `trace (${visits.length} first visits, medians, ms): list visible ${m((b) => b.visible)}, main thread CPU until then ${m((b) => b.cpu)}, of it from the first module's compilation on ${m((b) => b.cpuAfterScripts)}`,
    `trace: page clock: ${medians(
      visits.map((b) => b.marks),
      30,
    )}`,
    `trace: main thread by activity (self, wall): ${medians(
      visits.map((b) => b.activities),
      16,
    )}`,
    `trace: JavaScript by file (self): ${medians(
      visits.map((b) => b.scripts),
      10,
    )}`,
    `trace: JavaScript by function (self): ${medians(
      visits.map((b) => b.functions),
      25,
    )}`,
  ];
}
