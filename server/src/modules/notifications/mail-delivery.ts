import nodemailer, { type Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import { describeSmtp, type SmtpSettings } from '../../config-mail.js';
import type { Logger } from '../../common/logger.js';
import type { MailEvent } from './mail-content.js';
import { isPermanentFailure, nextAttempt } from './mail-retry.rules.js';
import { composeMail } from './mail-templates.js';

/** Where and as whom mails go out, and where their links point. */
export interface MailSettings {
  smtp: SmtpSettings;
  from: string;
  /** The server's public base URL (PUBLIC_URL, or where it listens), read when a mail is composed. */
  publicUrl: () => string;
}

/** How the worker paces itself; tests of the pacing itself may pass other values. */
export interface MailTiming {
  /** How often an idle instance looks for due mails. */
  pollMs: number;
  /** Mails claimed at once; a full batch is followed by the next one at once. */
  batch: number;
  /** How long a claimed mail is this instance's: a mail of an instance that died is sent by another after this. */
  leaseSeconds: number;
}

const DEFAULT_TIMING: MailTiming = { pollMs: 2_000, batch: 20, leaseSeconds: 300 };

/** What claim_mail_messages answers. */
interface ClaimedRow {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: string;
  attempts: number;
  created_at: Date;
  email: string | null;
  display_name: string | null;
  language: string | null;
  tenant_name: string | null;
  event_count: number;
  events: MailEvent[];
}

type Outcome = 'sent' | 'retried' | 'failed' | 'skipped';

/**
 * Sends the mails the trigger on audit_events queued (migration
 * MailNotifications), on every instance with SMTP_URL: claims due messages
 * (FOR UPDATE SKIP LOCKED, so each goes to one instance), renders each in
 * its owner's language, sends it, and settles it. A mail server that is
 * down or busy delays mails with exponential backoff and jitter
 * (mail-retry.rules.ts) and loses none; after three days a mail is given up,
 * logged as an error and counted. Requests never wait for any of this.
 */
export class MailDelivery {
  /** Attempts by outcome since start (metrics: app_passwords_mail_notifications_total). */
  readonly stats: Record<Outcome, number> = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  private transport: Transporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastPrune = 0;

  constructor(
    private readonly db: DataSource,
    private readonly settings: MailSettings | undefined,
    private readonly logger: Logger,
    private readonly timing: MailTiming = DEFAULT_TIMING,
  ) {}

  /** Starts sending; says once in the log whether mail is on, and never how it signs in to the mail server. */
  start(): void {
    const { settings } = this;
    if (!settings) {
      this.logger.info(
        'Mail notifications are off (SMTP_URL is unset): nothing is queued, and users see what happens to their account in the console only (account activity).',
      );
      return;
    }
    const server = describeSmtp(settings.smtp);
    this.logger.info({ smtp: server, from: settings.from }, `Mail notifications are on: sent through ${server} as ${settings.from}.`);
    const { host, port, secure, user, pass } = settings.smtp;
    this.transport = nodemailer.createTransport({
      host,
      port,
      secure,
      auth: user !== undefined ? { user, pass: pass ?? '' } : undefined,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 60_000,
      logger: false,
      debug: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops looking for mails and lets a batch being sent finish (at most a few seconds), then closes the connections. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.transport?.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let claimed = 0;
    let failed = false;
    try {
      claimed = await this.deliverDue();
      if (Date.now() - this.lastPrune > 60 * 60_000) {
        this.lastPrune = Date.now();
        await this.db.query('SELECT prune_mail_messages()');
      }
    } catch (error) {
      failed = true;
      this.logger.error({ err: error }, 'Could not look for mail notifications to send; will try again');
    }
    this.running = undefined;
    // The database away: look again in a while, not every poll (one error line each time).
    this.schedule(failed ? 10 * this.timing.pollMs : claimed >= this.timing.batch ? 0 : this.timing.pollMs);
  }

  /** One batch: claims due mails and sends them; how many were claimed. */
  async deliverDue(): Promise<number> {
    const rows: ClaimedRow[] = await this.db.query('SELECT * FROM claim_mail_messages($1, $2)', [
      this.timing.batch,
      this.timing.leaseSeconds,
    ]);
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const { settings, transport } = this;
    if (!settings || !transport) return;
    const about = { mailId: row.id, kind: row.kind, tenantId: row.tenant_id, userId: row.user_id, attempt: row.attempts };
    const mail =
      row.email !== null
        ? composeMail(
            {
              kind: row.kind,
              email: row.email,
              displayName: row.display_name ?? row.email,
              language: row.language ?? 'en',
              tenantName: row.tenant_name ?? '',
              eventCount: row.event_count,
              events: row.events,
            },
            settings.publicUrl(),
          )
        : undefined;
    if (!mail) {
      // The user or the audit events are gone (deleted, past retention): nothing to say, nobody to say it to.
      await this.settle(row, 'skipped', null, null);
      this.logger.info(about, 'Skipped a mail notification: its user or events are gone');
      return;
    }
    try {
      await transport.sendMail({
        from: settings.from,
        to: { name: row.display_name ?? '', address: row.email! },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      await this.failed(row, about, error);
      return;
    }
    await this.settle(row, 'sent', null, null);
    this.logger.info(about, 'Sent a mail notification');
  }

  private async failed(row: ClaimedRow, about: Record<string, unknown>, error: unknown): Promise<void> {
    // Only what the mail server or the socket said: never the message, never the SMTP credentials.
    const { message, code, responseCode } = error as { message?: string; code?: string; responseCode?: number };
    const problem = { ...about, error: { message: String(message ?? error), code, responseCode } };
    const retryAt = isPermanentFailure(error) ? undefined : nextAttempt(row.attempts, row.created_at, new Date());
    if (retryAt) {
      await this.settle(row, 'queued', retryAt, String(message ?? error));
      this.logger.warn({ ...problem, retryAt }, 'Could not send a mail notification; will try again');
    } else {
      await this.settle(row, 'failed', null, String(message ?? error));
      this.logger.error(problem, 'Gave up on a mail notification');
    }
  }

  private async settle(row: ClaimedRow, status: 'sent' | 'skipped' | 'failed' | 'queued', retryAt: Date | null, error: string | null) {
    await this.db.query('SELECT settle_mail_message($1, $2, $3, $4, $5)', [row.id, row.attempts, status, retryAt, error]);
    this.stats[status === 'queued' ? 'retried' : status]++;
  }
}
