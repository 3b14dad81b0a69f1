import type { DataSource } from 'typeorm';
import type { RequestInfo } from '../../common/context.js';
import { rateLimited, serviceUnavailable } from '../../common/errors.js';
import { SignInOutcome, type SignInLog, type SignInCredential } from './sign-in-log.js';
import { type BlockStarted, type CounterScope, type SignInThrottle, type ThrottleCounters } from './sign-in-throttle.js';
import { recordUserBlocked } from './user-blocked.js';

/** How a console step ended, and what that means for the counters. */
export interface Verdict {
  outcome: SignInOutcome;
  /** succeeded: right; failed: a wrong guess; refund: right but refused by a rule (no guess, nothing counts). */
  counts: 'succeeded' | 'failed' | 'refund';
}

/** Who the step is about, as far as it is known. */
export interface StepSubject {
  signInName: string;
  method: SignInCredential;
  user?: { tenant_id: string; user_id: string };
  /** The tenant, when it is known without a user (single sign-on names it; a typed name that matches nobody does not). */
  tenantId?: string;
}

/**
 * One step of a console sign-in (the password, a two-step code, entering the
 * password again) as throttling and the sign-in log see it: a place on the
 * step's counters first (refused with RATE_LIMITED while blocked, 503 when
 * the wait ran out), then the check, then one sign-in log entry for the
 * outcome, and an audit event when the failure blocked the user.
 */
export class ConsoleAttempts {
  constructor(
    private readonly db: DataSource,
    private readonly throttle: SignInThrottle,
    private readonly log: SignInLog,
  ) {}

  /** Runs `check` as one attempt; the answer says which counters the attempt blocked, if any. */
  async run(
    counters: ThrottleCounters,
    subject: StepSubject,
    request: RequestInfo,
    check: () => Promise<Verdict>,
  ): Promise<Verdict & { blocked: CounterScope[] }> {
    const attempt = await this.throttle.begin(counters);
    if (!attempt.allowed) {
      this.record(subject, attempt.reason === 'busy' ? SignInOutcome.BUSY : SignInOutcome.THROTTLED, request);
      throw attempt.reason === 'busy' ? serviceUnavailable('busy', attempt.retryAfterSeconds) : rateLimited(attempt.retryAfterSeconds);
    }
    let verdict: Verdict;
    try {
      verdict = await check();
    } catch (error) {
      await attempt.refund();
      throw error;
    }
    let blocks: BlockStarted[] = [];
    if (verdict.counts === 'failed') {
      blocks = await attempt.failed();
      const userBlock = blocks.find((b) => b.scope === 'user');
      if (userBlock && subject.user) await recordUserBlocked(this.db, subject.user, subject.method, userBlock.seconds, request);
    } else if (verdict.counts === 'succeeded') await attempt.succeeded();
    else await attempt.refund();
    this.record(subject, verdict.outcome, request);
    return { ...verdict, blocked: blocks.map((b) => b.scope) };
  }

  /** One sign-in log entry for a step that is not throttled here (single sign-on: the provider checked the person). */
  record(subject: StepSubject, outcome: SignInOutcome, request: RequestInfo): void {
    this.log.record({
      tenantId: subject.user?.tenant_id ?? subject.tenantId ?? null,
      userId: subject.user?.user_id ?? null,
      appPasswordId: null,
      signInName: subject.signInName,
      method: subject.method,
      outcome,
      clientIp: request.clientIp,
      userAgent: request.userAgent,
    });
  }
}
