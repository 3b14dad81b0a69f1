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
  /** The server was too busy to check: nothing counted against anyone. */
  BUSY: 'BUSY',
  /** A wrong two-step code or recovery code. */
  WRONG_CODE: 'WRONG_CODE',
  /** The right app password, for a service it does not have (or a check that names none, for one that lacks some). */
  SERVICE_NOT_ALLOWED: 'SERVICE_NOT_ALLOWED',
  /** The right app password, from outside the networks it may be used from. */
  NETWORK_NOT_ALLOWED: 'NETWORK_NOT_ALLOWED',
  /** Single sign-on: the identity provider did not say the e-mail address is verified. */
  EMAIL_UNVERIFIED: 'EMAIL_UNVERIFIED',
  /** Single sign-on: confirming who you are, another account signed in at the provider. */
  WRONG_ACCOUNT: 'WRONG_ACCOUNT',
  /** Single sign-on: the provider answered with an error (cancelled, or refused there). */
  PROVIDER_REFUSED: 'PROVIDER_REFUSED',
  /** Single sign-on: the provider's answer failed a check here (state, code, nonce, expiry, audience, signature). */
  INVALID_PROVIDER_ANSWER: 'INVALID_PROVIDER_ANSWER',
} as const;
export type SignInOutcome = (typeof SignInOutcome)[keyof typeof SignInOutcome];

/** How someone signed in: an app with an app password, or a person in the console with the password, then a code, or through the identity provider. */
export const SignInCredential = {
  APP_PASSWORD: 'APP_PASSWORD',
  PASSWORD: 'PASSWORD',
  TWO_STEP_CODE: 'TWO_STEP_CODE',
  RECOVERY_CODE: 'RECOVERY_CODE',
  SINGLE_SIGN_ON: 'SINGLE_SIGN_ON',
} as const;
export type SignInCredential = (typeof SignInCredential)[keyof typeof SignInCredential];

export interface SignInEvent {
  /** The first of the attempts this event counts. */
  occurredAt: Date;
  tenantId: string | null;
  userId: string | null;
  appPasswordId: string | null;
  /** As the app or person sent it (never the password). */
  signInName: string;
  method: SignInCredential;
  outcome: SignInOutcome;
  clientIp: string | null;
  userAgent: string | null;
  /** What an app signed in to (`imap`, …), as the check named it; null for the console and checks that name none. */
  service: string | null;
  /** Consecutive identical attempts (all fields above but the time) this row stands for. */
  attempts: number;
}

const FLUSH_INTERVAL_MS = 1000;
const MAX_BATCH = 1000;
/** If PostgreSQL is away, keep at most this many events, dropping the oldest. */
const MAX_BUFFERED = 50_000;

/**
 * The record of every sign-in attempt: app-password checks, the console's
 * password and code steps, and sign-ins through the identity provider. Checks only append to a buffer; a
 * timer writes it every second in multi-row INSERTs, so the hot path never
 * waits on the log. Repeats within one such second (an app reconnecting in a
 * loop, a script hammering one name) become one row with their number in
 * `attempts`: consecutive attempts with the same outcome from the same
 * client (sign-in name, app password, IP, user agent). A different outcome in
 * between starts a new row, so the order of what happened stays readable.
 * `close()` writes what is left.
 */
export class SignInLog {
  private buffer: SignInEvent[] = [];
  /** Each client's latest buffered event, to count repeats into it. */
  private latest = new Map<string, SignInEvent>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Events lost because PostgreSQL was away longer than the buffer lasts (for metrics). */
  dropped = 0;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Events waiting for the next write (for metrics). */
  get buffered(): number {
    return this.buffer.length;
  }

  record(event: Omit<SignInEvent, 'occurredAt' | 'attempts' | 'service'> & { service?: string | null }): void {
    const signInName = event.signInName.slice(0, 254);
    // Ids are UUIDs and an empty IP or user agent is recorded as none, so '' for null is unambiguous.
    const client = `${event.method}\0${event.appPasswordId ?? ''}\0${event.userId ?? ''}\0${event.tenantId ?? ''}\0${event.clientIp ?? ''}\0${signInName}\0${event.userAgent ?? ''}\0${event.service ?? ''}`;
    const latest = this.latest.get(client);
    if (latest?.outcome === event.outcome) {
      latest.attempts++;
      return;
    }
    const recorded = { ...event, service: event.service ?? null, signInName, occurredAt: new Date(), attempts: 1 };
    this.buffer.push(recorded);
    this.latest.set(client, recorded);
    if (this.buffer.length > MAX_BUFFERED) {
      // PostgreSQL has been away for a while: the oldest tenth goes at once. Repeats of them start new rows.
      const gone = new Set(this.buffer.splice(0, MAX_BUFFERED / 10));
      this.dropped += gone.size;
      for (const [k, e] of this.latest) if (gone.has(e)) this.latest.delete(k);
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
    // Taken out of the buffer first: repeats that arrive during the write start a new row.
    const events = this.buffer;
    this.buffer = [];
    this.latest = new Map();
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const batch = events.slice(i, i + MAX_BATCH);
      try {
        // One function for every tenant's events (and those of nobody known): the log is written across tenants.
        await this.db.query(
          `SELECT record_sign_in_events($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                                        $8::inet[], $9::text[], $10::int[], $11::text[])`,
          [
            batch.map((e) => e.occurredAt),
            batch.map((e) => e.tenantId),
            batch.map((e) => e.userId),
            batch.map((e) => e.appPasswordId),
            batch.map((e) => e.signInName),
            batch.map((e) => e.method),
            batch.map((e) => e.outcome),
            batch.map((e) => e.clientIp),
            batch.map((e) => e.userAgent),
            batch.map((e) => e.attempts),
            batch.map((e) => e.service),
          ],
        );
      } catch (error) {
        this.onError(error);
        // Kept, ahead of anything newer; the next tick tries again (repeats of these now start new rows).
        const kept = [...events.slice(i), ...this.buffer];
        this.dropped += Math.max(0, kept.length - MAX_BUFFERED);
        this.buffer = kept.slice(-MAX_BUFFERED);
        return;
      }
    }
  }
}
