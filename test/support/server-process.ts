import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, spawnGroup } from './child-processes.js';

const SERVER_DIR = fileURLToPath(new URL('../../server', import.meta.url));
/** main.ts announces the port it bound (PORT=0 picks a free one). */
const READY = /App Passwords is ready: .*http:\/\/localhost:(\d+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ServerProcessOptions {
  /** Unset: the server starts its embedded PostgreSQL under DATA_DIR (give one in `env`), as `pnpm start` does. */
  databaseUrl: string | undefined;
  /** APP_PASSWORD_LOOKUP_KEY, hex: the same on every instance that must accept the others' app passwords. */
  lookupKey: string;
  /** More environment, e.g. TRUSTED_PROXIES. */
  env?: Record<string, string>;
  /** The `server/` directory of another checkout (default: this one's). */
  serverDir?: string;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Still running (not exited, not killed). */
  running(): boolean;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, as a crash or the OOM killer would; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

/** Every server process started here and not yet gone, for `stopServerProcesses`. */
const live = new Set<ChildProcess>();

/**
 * The real server as an operator runs it: `main.ts` in a process of its own
 * (compiled on the fly by swc, so no build step and never a stale build), in
 * its own process group, listening on a free port on 127.0.0.1.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'app-passwords-process-'));
  // Its own process group; SIGKILLed should the worker exit first.
  const child = spawnGroup(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: options.serverDir ?? SERVER_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      APP_PASSWORD_LOOKUP_KEY: options.lookupKey,
      DEMO_DATA: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir, // unused with DATABASE_URL and the key set; never the repository's .data/
      // Webhooks as in every test server (support/test-server.ts): quick retries, short timeouts, an 8-second retry window.
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '500',
      WEBHOOK_RETRY_WINDOW_SECONDS: '8',
      WEBHOOK_POLL_MS: '100',
      ...options.env,
    },
  });
  live.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`The server did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (code ${code}, signal ${signal}) before it was ready:\n${output}`));
    });
  });

  const kill = async () => {
    killGroup(child, 'SIGKILL');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    exited,
    kill,
    stop: async () => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Ends every server process this test file started (for afterAll: runs even when a test failed). */
export async function stopServerProcesses(): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          killGroup(child, 'SIGTERM');
          setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS).unref();
        }),
    ),
  );
}
