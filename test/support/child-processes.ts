import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Every process started here and not yet gone: the exit hook below ends them. */
const live = new Set<ChildProcess>();

/**
 * util-linux's setpriv: with `--pdeathsig SIGKILL` the kernel kills the child
 * when this worker dies, however it dies (the exit hook never runs when
 * vitest is interrupted or the worker is killed).
 */
const SETPRIV = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file)) : undefined;

/**
 * Starts `command` in a process group of its own (so a signal reaches
 * whatever it starts in turn). Should the test worker end before the test
 * stops it, the child is SIGKILLed: by the kernel on Linux (setpriv), and by
 * the exit hook on the group when the worker exits normally (a crash, a
 * timeout).
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const [file, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  const child = spawn(file, argv, { ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Sends `signal` to the child's whole process group (to the child alone if that fails); nothing if it is gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});
