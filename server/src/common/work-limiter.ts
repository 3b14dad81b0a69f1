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
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly maxActive: number,
    readonly maxQueued: number,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxActive) {
      if (this.waiting.length >= this.maxQueued) throw new OverloadedError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next job
      else this.active--;
    }
  }
}
