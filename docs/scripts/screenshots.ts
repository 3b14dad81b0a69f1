/**
 * Copies the console's screenshots that the end-to-end tests take (test/e2e/artifacts,
 * written by every `pnpm test`) into public/screenshots, so the pages show the console
 * as it is, never as it was. Pages name the screenshots they show. A missing one fails
 * the build when CI=true (where the tests ran first); elsewhere it is listed (run
 * `pnpm test` to take them) and stands in as a blank image, so the pages still build.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(docs, '..', 'test', 'e2e', 'artifacts');
const target = join(docs, 'public', 'screenshots');
/** A 1×1 transparent PNG. */
const BLANK_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', '.vitepress', 'public', 'reference', 'scripts'].includes(e.name)) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? pages(path) : e.name.endsWith('.md') ? [path] : [];
  });
}

const wanted = new Set(
  pages(docs).flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/\/screenshots\/([a-z0-9-]+)\.png/g)].map((m) => m[1] ?? '')),
);
mkdirSync(target, { recursive: true });
const missing: string[] = [];
for (const name of wanted) {
  const from = join(artifacts, `${name}.png`);
  if (existsSync(from)) copyFileSync(from, join(target, `${name}.png`));
  else {
    missing.push(name);
    writeFileSync(join(target, `${name}.png`), BLANK_PNG);
  }
}
if (missing.length > 0) {
  const line = `Screenshots not taken yet (the end-to-end tests take them: pnpm test): ${missing.sort().join(', ')}`;
  if (process.env.CI === 'true') {
    console.error(line);
    process.exit(1);
  }
  console.warn(line);
}
console.log(`Screenshots: ${wanted.size - missing.length} of ${wanted.size} from test/e2e/artifacts.`);
