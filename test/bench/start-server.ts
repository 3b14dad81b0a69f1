import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ServerMode, ServerStats, ToServer } from './server-process.js';

export interface ServerHandle {
  port: number;
  url: string;
  stats(): Promise<ServerStats>;
  /** POSTs from the server's own process (see server-process.ts): how long `count` took. */
  rawPosts(url: string, body: string, count: number, concurrency: number): Promise<{ seconds: number; failed: number }>;
  stop(): Promise<void>;
}

/**
 * Forks server-process.ts in `mode` with `env` added to ours and waits until
 * it listens. `children` holds every running server, so an interrupted run
 * can kill them all.
 */
export function startServer(mode: ServerMode, children: Set<ChildProcess>, env: Record<string, string>): Promise<ServerHandle> {
  const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [mode], {
    execArgv: [
      '--import',
      '@swc-node/register/esm-register',
      // For finding where the time goes: a V8 CPU profile per server process, opened in Chrome DevTools.
      ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (type: FromServer['type']) =>
    new Promise<FromServer>((resolve, reject) => {
      const onMessage = (message: FromServer) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      void exited.then((code) => reject(new Error(`The ${mode} server exited (code ${code}) while we waited for "${type}".`)));
    });
  const ask = (message: ToServer) => child.send(message);

  return next('ready').then((ready) => {
    const port = (ready as Extract<FromServer, { type: 'ready' }>).port;
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      stats: async () => {
        const reply = next('stats');
        ask({ type: 'stats' });
        return ((await reply) as Extract<FromServer, { type: 'stats' }>).stats;
      },
      rawPosts: async (url, body, count, concurrency) => {
        const reply = next('rawPosts');
        ask({ type: 'rawPosts', url, body, count, concurrency });
        const { seconds, failed } = (await reply) as Extract<FromServer, { type: 'rawPosts' }>;
        return { seconds, failed };
      },
      stop: async () => {
        ask({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        children.delete(child);
      },
    };
  });
}
