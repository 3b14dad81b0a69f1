import { describe, expect, it } from 'vitest';
import { OverloadedError, WorkLimiter } from './work-limiter.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('WorkLimiter', () => {
  it('runs at most maxActive at once, queues up to maxQueued, refuses the rest at once', async () => {
    const limiter = new WorkLimiter(2, 1);
    const g = gate();
    let running = 0;
    let peak = 0;
    const job = async () => {
      running++;
      peak = Math.max(peak, running);
      await g.opened;
      running--;
      return 'done';
    };
    const durations: number[] = [];
    limiter.onJobDone = (seconds) => durations.push(seconds);
    const accepted = [limiter.run(job), limiter.run(job), limiter.run(job)];
    await expect(limiter.run(job)).rejects.toBeInstanceOf(OverloadedError);
    expect({ active: limiter.active, queued: limiter.queued, rejected: limiter.rejected }).toEqual({ active: 2, queued: 1, rejected: 1 });
    g.open();
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done']);
    expect(peak).toBe(2);
    expect(await limiter.run(async () => 'again')).toBe('again');
    expect({ active: limiter.active, queued: limiter.queued }).toEqual({ active: 0, queued: 0 });
    // Every job that ran reported its time once; the refused one did not.
    expect(durations).toHaveLength(4);
    expect(durations.every((s) => s >= 0)).toBe(true);
  });

  it('frees the slot when a job fails', async () => {
    const limiter = new WorkLimiter(1, 0);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 1)).toBe(1);
  });
});
