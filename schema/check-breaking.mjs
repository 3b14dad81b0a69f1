// Fails when schema.graphql breaks clients of the SDL it is compared with
// (graphql-inspector's rules). `pnpm schema:breaking`; part of `pnpm lint`.
//
// Compared with, on a branch: the SDL where the branch left main (everything
// the branch would merge). On main itself: the SDL before the last commit that
// changed it. SCHEMA_BASE=<commit> picks another. No earlier SDL (a new file, a
// shallow clone, no git): nothing to compare, and the check says so and passes.
//
// A breaking change passes only if it was announced first: removing a field or
// enum value deprecated in the earlier SDL, or a new entry in CHANGELOG.md
// that names the change's path in backticks (e.g. `AuditEntry.action`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CriticalityLevel, DiffRule, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const SDL = 'schema/schema.graphql';
const CHANGELOG = 'schema/CHANGELOG.md';

/** git's output, or undefined when git fails (no repository, unknown ref, file absent at that commit). */
function git(...args) {
  try {
    const options = { cwd: root ?? process.cwd(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 };
    return execFileSync('git', args, options).trim();
  } catch {
    return undefined;
  }
}

let root;
root = git('rev-parse', '--show-toplevel');
if (!root) {
  console.log('schema:breaking: not in a git checkout; nothing to compare with.');
  process.exit(0);
}

/** The commit whose SDL clients have now, and why that one. */
function baseCommit() {
  if (process.env.SCHEMA_BASE) {
    const commit = git('rev-parse', '--verify', `${process.env.SCHEMA_BASE}^{commit}`);
    if (!commit) throw new Error(`SCHEMA_BASE=${process.env.SCHEMA_BASE} is not a commit here.`);
    return { commit, why: `SCHEMA_BASE (${process.env.SCHEMA_BASE})` };
  }
  const head = git('rev-parse', 'HEAD');
  for (const main of ['main', 'origin/main']) {
    const mainCommit = git('rev-parse', '--verify', `${main}^{commit}`);
    if (!mainCommit) continue;
    const fork = git('merge-base', 'HEAD', main);
    if (fork && fork !== head) return { commit: fork, why: `where this branch left ${main}` };
    break;
  }
  // On main (or no main to compare with): before the last commit that changed the SDL.
  const last = git('log', '-1', '--format=%H', 'HEAD', '--', SDL);
  if (!last) return undefined;
  const parent = git('rev-parse', '--verify', `${last}^`);
  return parent ? { commit: parent, why: `before ${last.slice(0, 10)}, the last commit that changed ${SDL}` } : undefined;
}

const base = baseCommit();
const oldSdl = base && git('show', `${base.commit}:${SDL}`);
if (!base || oldSdl === undefined) {
  console.log(`schema:breaking: no earlier ${SDL} to compare with (new file, shallow clone or first commit); nothing to check.`);
  process.exit(0);
}
const newSdl = readFileSync(`${root}/${SDL}`, 'utf8');

const changes = await diff(buildSchema(oldSdl), buildSchema(newSdl), [DiffRule.suppressRemovalOfDeprecatedField]);
const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
const dangerous = changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous);

// Changelog entries count only when new since the base: an old entry does not excuse a new break.
const mentioned = (text) => new Set([...(text ?? '').matchAll(/`([A-Za-z_][\w.]*)`/g)].map((m) => m[1]));
const announcedBefore = mentioned(git('show', `${base.commit}:${CHANGELOG}`));
const announcedNow = mentioned(readOptional(`${root}/${CHANGELOG}`));
const announced = (change) => change.path !== undefined && announcedNow.has(change.path) && !announcedBefore.has(change.path);

function readOptional(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const refused = breaking.filter((c) => !announced(c));
console.log(`schema:breaking: ${SDL} against ${base.commit.slice(0, 10)} (${base.why}): ${changes.length} changes.`);
for (const c of dangerous) console.log(`  dangerous: ${c.message}`);
for (const c of breaking.filter(announced)) console.log(`  breaking, in ${CHANGELOG}: ${c.message}`);
for (const c of refused) console.log(`  BREAKING: ${c.message}${c.path ? ` (${c.path})` : ''}`);
if (refused.length > 0) {
  console.log(
    `\n${refused.length} breaking change(s). Add the new name beside the old and deprecate the old with @deprecated(reason:) ` +
      `(removing it once deprecated passes), or, when breaking is intended, name each path in backticks in ${CHANGELOG}.`,
  );
  process.exit(1);
}
