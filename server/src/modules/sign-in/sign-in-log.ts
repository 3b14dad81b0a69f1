import type { DataSource } from 'typeorm';

export const SignInOutcome = {
  SUCCESS: 'SUCCESS',
  UNKNOWN_USER: 'UNKNOWN_USER',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  EXPIRED: 'EXPIRED',
  REVOKED: 'REVOKED',
  POLICY_OFF: 'POLICY_OFF',
  USER_DISABLED: 'USER_DISABLED',
  THROTTLED: 'THROTTLED',
} as const;
export type SignInOutcome = (typeof SignInOutcome)[keyof typeof SignInOutcome];

export interface SignInEvent {
  occurredAt: Date;
  tenantId: string | null;
  userId: string | null;
  appPasswordId: string | null;
  /** As the app sent it (never the password). */
  signInName: string;
  outcome: SignInOutcome;
  clientIp: string | null;
  userAgent: string | null;
}

const FLUSH_INTERVAL_MS = 1000;
const MAX_BATCH = 1000;
/** If PostgreSQL is away, keep at most this many events, dropping the oldest. */
const MAX_BUFFERED = 50_000;

/**
 * The record of every app-password check. Checks only append to a buffer; a
 * timer writes the buffer in multi-row INSERTs, so the hot path never waits
 * on the log. `close()` writes what is left.
 */
export class SignInLog {
  private buffer: SignInEvent[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  dropped = 0;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(event: Omit<SignInEvent, 'occurredAt'>): void {
    this.buffer.push({ ...event, signInName: event.signInName.slice(0, 254), occurredAt: new Date() });
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
    }
    if (this.buffer.length >= MAX_BATCH) void this.flush();
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeAll().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, MAX_BATCH);
      try {
        await this.db.query(
          `INSERT INTO sign_in_events (occurred_at, tenant_id, user_id, app_password_id, sign_in_name, outcome, client_ip, user_agent)
           SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::inet[], $8::text[])`,
          [
            batch.map((e) => e.occurredAt),
            batch.map((e) => e.tenantId),
            batch.map((e) => e.userId),
            batch.map((e) => e.appPasswordId),
            batch.map((e) => e.signInName),
            batch.map((e) => e.outcome),
            batch.map((e) => e.clientIp),
            batch.map((e) => e.userAgent),
          ],
        );
      } catch (error) {
        this.onError(error);
        return; // keep the batch; the next tick tries again
      }
      this.buffer.splice(0, batch.length);
    }
  }
}
