import { performance } from 'node:perf_hooks';

/** Thrown when both the running slots and the queue are full: answer "busy" at once instead of queueing forever. */
export class OverloadedError extends Error {
  constructor() {
    super('The server is busy verifying passwords; try again shortly.');
    this.name = 'OverloadedError';
  }
}

/**
 * Runs at most `maxActive` jobs at once and lets at most `maxQueued` wait.
 * Used for argon2: the work is CPU-bound, so more than about one job per core
 * only makes every request slower.
 */
export class WorkLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Jobs turned away because slots and queue were full (for metrics). */
  rejected = 0;
  /** Told how long each job ran, not counting its wait in the queue (set by metrics). */
  onJobDone: ((seconds: number) => void) | undefined;

  constructor(
    readonly maxActive: number,
    readonly maxQueued: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxActive) {
      if (this.waiting.length >= this.maxQueued) {
        this.rejected++;
        throw new OverloadedError();
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const startedAt = performance.now();
    try {
      return await job();
    } finally {
      this.onJobDone?.((performance.now() - startedAt) / 1000);
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next job
      else this.running--;
    }
  }
}
