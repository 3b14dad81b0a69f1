import type { MailContent, MailEvent, MailTexts, MailView } from './mail-content.js';

/** The audit actions that mail their target user (the same list as migration MailNotifications queues). */
export const MAIL_KINDS = [
  'app_password.created',
  'app_password.revoked',
  'app_password.rotated',
  'app_password.expiring',
  'app_password.unused_notice',
  'app_password.used_from_new_network',
  'two_step.enabled',
  'two_step.removed',
  'two_step.reset',
  'user.sign_in_blocked',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const isMailKind = (kind: string): kind is MailKind => (MAIL_KINDS as readonly string[]).includes(kind);

/** One language's templates: a mail for each kind, built from the view (and formatted with the language's texts). */
export type MailTemplates = Record<MailKind, (view: MailView, texts: MailTexts) => MailContent>;

/** The first event: what a mail about one change is about. */
export const first = (view: MailView): MailEvent => view.events[0]!;

/** An app password's name as the event recorded it. */
export const nameOf = (event: MailEvent): string => event.appPasswordName ?? '—';

/** A text detail of the event, if it has one. */
export const detail = (event: MailEvent, key: string): string | undefined => {
  const value = event.details[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

/** How many app passwords the message is about (all of them, not only the listed ones). */
export const countOf = (view: MailView): number => Math.max(view.eventCount, view.events.length);

/** Seconds as whole minutes or hours, e.g. for how long sign-ins are paused. */
export function duration(seconds: number, units: { minutes(n: number): string; hours(n: number): string }): string {
  return seconds >= 3600 && seconds % 3600 === 0 ? units.hours(seconds / 3600) : units.minutes(Math.max(1, Math.round(seconds / 60)));
}
