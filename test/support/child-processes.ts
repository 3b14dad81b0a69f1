import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Every process started here and not yet gone: the exit hook below ends them. */
const live = new Set<ChildProcess>();

/**
 * Starts `command` in a process group of its own (so a signal reaches
 * whatever it starts in turn). Should the test worker exit before the test
 * stops it (a crash, a timeout), the exit hook SIGKILLs the group.
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
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
