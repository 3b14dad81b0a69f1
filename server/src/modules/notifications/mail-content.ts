import { escapeHtml } from '../../common/text.js';
import type { AuditActorType } from '../audit/audit-event.entity.js';
import type { Language } from '../users/language.js';

/** One audit event a mail is about, as claim_mail_messages hands it over: names and addresses, never a secret. */
export interface MailEvent {
  /** ISO 8601. */
  occurredAt: string;
  actorType: AuditActorType;
  /** The owner did it themselves. */
  byOwner: boolean;
  appPasswordName: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** What a template gets: the owner, their organisation, the events (at most 20) and how many there were. */
export interface MailView {
  displayName: string;
  email: string;
  tenantName: string;
  events: MailEvent[];
  /** All events of the message; beyond `events.length`, a mail says "and N more". */
  eventCount: number;
  /** `${PUBLIC_URL}/security-info`: where the owner sees and deletes their app passwords. */
  securityInfoUrl: string;
}

/**
 * A mail as plain pieces of text: nothing in here is HTML. `renderMail`
 * escapes every piece for the HTML part, so a name like `<script>` is shown,
 * never run.
 */
export interface MailContent {
  subject: string;
  paragraphs: string[];
  /** e.g. the app passwords it is about, one line each. */
  list?: string[];
  /** Paragraphs after the list. */
  closing?: string[];
  action?: { label: string; url: string };
}

/** The frame of every mail in one language (its words for each kind: mail-kinds.ts MailWords). */
export interface MailTexts {
  /** For dates and numbers (Intl). */
  locale: string;
  greeting(displayName: string): string;
  /** "and 3 more", below a capped list. */
  more(count: number): string;
  footer(email: string, tenantName: string): string;
  /** Times are in UTC, and say so: a mail does not know the reader's time zone. */
  utc: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** A date and time in the mail's language, in UTC. */
export function formatTime(texts: MailTexts, iso: string | unknown): string {
  const date = new Date(String(iso));
  if (Number.isNaN(date.getTime())) return String(iso);
  const formatted = new Intl.DateTimeFormat(texts.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return `${formatted} ${texts.utc}`;
}

/** A date alone (a day such as `revokeOn`), in the mail's language. */
export function formatDate(texts: MailTexts, iso: string | unknown): string {
  const date = new Date(String(iso));
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(texts.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** Plain text and simple HTML of the same content, with the greeting and footer of its language. */
export function renderMail(texts: MailTexts, language: Language, view: MailView, content: MailContent): RenderedMail {
  const more = view.eventCount > view.events.length && content.list ? texts.more(view.eventCount - view.events.length) : undefined;
  const closing = content.closing ?? [];
  const footer = texts.footer(view.email, view.tenantName);

  const text = [
    texts.greeting(view.displayName),
    ...content.paragraphs,
    ...(content.list ? [[...content.list.map((item) => `- ${item}`), ...(more ? [`  ${more}`] : [])].join('\n')] : []),
    ...closing,
    ...(content.action ? [`${content.action.label}:\n${content.action.url}`] : []),
    `-- \n${footer}`,
  ].join('\n\n');

  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 40em">',
    p(texts.greeting(view.displayName)),
    ...content.paragraphs.map(p),
    ...(content.list
      ? [`<ul>${content.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`, ...(more ? [p(more)] : [])]
      : []),
    ...closing.map(p),
    ...(content.action ? [`<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>`] : []),
    `<hr><p style="color: #5c5c5c; font-size: 0.9em">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');

  // A header holds no line break, whatever a name held.
  return { subject: content.subject.replace(/\p{Cc}+/gu, ' '), text, html };
}
