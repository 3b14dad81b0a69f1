/**
 * Fails the docs build when a page shows GraphQL the server would refuse:
 * every ```graphql block of every page is parsed and validated against
 * schema/schema.graphql, so a renamed field breaks the build, not a reader's
 * copy-paste. Also checks that the Grafana dashboard only charts metrics the
 * server exports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { loadSchema } from './api-reference.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'reference', '.vitepress', 'public', 'scripts']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The ```graphql blocks of a page with the line each starts on. */
export function graphqlBlocks(text: string): { line: number; source: string }[] {
  const blocks: { line: number; source: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```graphql\b/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i = start; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({ line: start + 1, source: body.join('\n') });
  }
  return blocks;
}

export function problemsOf(schema: GraphQLSchema, file: string, text: string): string[] {
  return graphqlBlocks(text).flatMap(({ line, source }) => {
    try {
      return validate(schema, parse(source)).map((e) => `${file}:${line + (e.locations?.[0]?.line ?? 1) - 1}: ${e.message}`);
    } catch (error) {
      return [`${file}:${line}: ${(error as Error).message}`];
    }
  });
}

/** Metric names the server registers (every quoted `app_passwords_…` name in its metrics module). */
function exportedMetrics(): Set<string> {
  const source = readFileSync(join(docs, '..', 'server', 'src', 'modules', 'operations', 'metrics.ts'), 'utf8');
  return new Set([...source.matchAll(/'(app_passwords_[a-z0-9_]+)'/g)].map((m) => m[1] ?? ''));
}

function dashboardProblems(): string[] {
  const file = join(docs, 'public', 'grafana-dashboard.json');
  const exported = exportedMetrics();
  const used = [...readFileSync(file, 'utf8').matchAll(/(app_passwords_[a-z_]+?)(?:_bucket|_sum|_count)?\b/g)].map((m) => m[1] ?? '');
  return [...new Set(used)]
    .filter((name) => !exported.has(name))
    .map((name) => `${relative(docs, file)}: ${name} is not a metric the server exports`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const schema = loadSchema();
  const files = markdownFiles(docs);
  const problems = [...files.flatMap((f) => problemsOf(schema, relative(docs, f), readFileSync(f, 'utf8'))), ...dashboardProblems()];
  const blocks = files.reduce((n, f) => n + graphqlBlocks(readFileSync(f, 'utf8')).length, 0);
  if (problems.length > 0) {
    console.error(`GraphQL in the docs that the schema refuses:\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log(
    `GraphQL in the docs: ${blocks} blocks in ${files.length} pages valid against schema/schema.graphql; dashboard metrics exported.`,
  );
}
