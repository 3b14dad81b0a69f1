/** Where mail notifications go out: an SMTP server (SMTP_URL), never logged with its password. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. smtp://: STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  pass: string | undefined;
}

export interface MailConfig {
  /** Unset: no mail is queued or sent; users see what happened in the console (account activity). */
  smtp: SmtpSettings | undefined;
  /** The sender of every notification, e.g. `App Passwords <no-reply@example.com>`; required with SMTP_URL. */
  mailFrom: string | undefined;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const NAMED_ADDRESS = /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/;

/**
 * SMTP_URL and MAIL_FROM (links in mails start with the config's publicUrl,
 * PUBLIC_URL). Problems never repeat SMTP_URL, which may hold a password.
 */
export function parseMailConfig(env: Record<string, string | undefined>, problems: string[]): MailConfig {
  const rawSmtp = env.SMTP_URL?.trim() || undefined;
  const mailFrom = env.MAIL_FROM?.trim() || undefined;

  let smtp: SmtpSettings | undefined;
  if (rawSmtp !== undefined) {
    smtp = parseSmtpUrl(rawSmtp);
    if (!smtp) {
      problems.push(
        'SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…, with user and password percent-encoded (its value is not repeated here)',
      );
    } else if (mailFrom === undefined) {
      problems.push('MAIL_FROM is required with SMTP_URL: the sender of notifications, e.g. "App Passwords <no-reply@example.com>"');
    }
  }
  if (mailFrom !== undefined && !ADDRESS.test(mailFrom) && !NAMED_ADDRESS.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address, or a name and an address in <> (got "${mailFrom}")`);
  }

  return { smtp, mailFrom };
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function parseSmtpUrl(raw: string): SmtpSettings | undefined {
  const url = parseUrl(raw);
  if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname || (url.pathname && url.pathname !== '/')) return undefined;
  if (url.search || url.hash) return undefined;
  const secure = url.protocol === 'smtps:';
  try {
    return {
      // IPv6 literals come bracketed from URL; the socket wants them bare.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      pass: url.password ? decodeURIComponent(url.password) : undefined,
    };
  } catch {
    // A malformed percent-encoding in the user or password.
    return undefined;
  }
}

/** How the start-up log names the SMTP server: never the user or password. */
export function describeSmtp(smtp: SmtpSettings): string {
  const host = smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host;
  return `${smtp.secure ? 'smtps' : 'smtp'}://${host}:${smtp.port}`;
}
