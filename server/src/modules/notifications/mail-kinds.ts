import { formatDate, formatTime, type MailContent, type MailEvent, type MailTexts, type MailView } from './mail-content.js';

/*
 * The kinds of mail and what each shows: its subject, paragraphs, list and
 * closing, built from one language's words (words/en.ts, words/nl.ts). A new
 * kind is its words' shape and its structure here, then its words in each
 * language (and a migration that queues it: a test compares the two lists).
 */

/** What a mail about one or more app passwords says: the first one's name, or how many. */
export interface Counted {
  one: boolean;
  /** The first app password's name. */
  name: string;
  count: number;
}

/** Who revoked app passwords, as their owner should read it. */
export interface RevokedByWords {
  /** The clean-up of unused app passwords. */
  unused(one: boolean): string;
  /** Another rule of the organisation (its policy). */
  rule: string;
  apiToken(tenantName: string): string;
  operator: string;
  admin(tenantName: string): string;
}

/** A change to how the account signs in (two-step verification on or off): what, when, from where. */
export interface AccountChangeWords {
  subject: string;
  changed(at: string, from: string): string;
  ifNotYou: string;
}

/** One language's words for each kind of mail. */
export interface KindWords {
  'app_password.created': {
    subject(c: Counted): string;
    intro(one: boolean): string;
    item(name: string, at: string, from: string): string;
    closing: string[];
  };
  'app_password.revoked': {
    subject(c: Counted): string;
    revoked(one: boolean, by: string): string;
    by: RevokedByWords;
    reason(reason: string): string;
    closing: string[];
  };
  'app_password.rotated': {
    subject(name: string): string;
    rotated(name: string, at: string, from: string): string;
    /** After `rotated`, when the old secret keeps working a while. */
    oldUntil(until: string): string;
    ifNotYou: string;
  };
  'app_password.expiring': {
    subject(c: Counted, days: string): string;
    intro(one: boolean): string;
    item(name: string, until: string): string;
    closing: string[];
  };
  'app_password.unused_notice': {
    subject(c: Counted, on: string): string;
    intro(one: boolean, unusedDays: string, on: string): string;
    closing: string[];
  };
  'app_password.used_from_new_network': {
    subject(name: string): string;
    intro: string;
    item(name: string, at: string, from: string): string;
    closing: string[];
  };
  'two_step.enabled': AccountChangeWords;
  'two_step.removed': AccountChangeWords;
  'two_step.reset': {
    subject: string;
    reset(who: string, at: string): string;
    who: { operator: string; admin(tenantName: string): string };
    ifNotYou: string;
  };
  'user.sign_in_blocked': {
    subject: string;
    /** `last`: where the last attempt came from (lastTime), or empty. */
    blocked(last: string, pause: string): string;
    lastTime(from: string): string;
    pause: { minutes(n: number): string; hours(n: number): string };
    advice: string;
  };
}

/** Everything one language says in mails: the frame of every mail, what the kinds share, and each kind's words. */
export type MailWords = MailTexts &
  KindWords & {
    /** Where a change came from, after its time: " from 198.51.100.7". */
    from(clientIp: string): string;
    /** The link to the security info, under every mail. */
    securityInfo: string;
  };

export type MailKind = keyof KindWords;

type Structure<K extends MailKind> = (view: MailView, words: KindWords[K], language: MailWords) => Omit<MailContent, 'action'>;

/** The first event: what a mail about one change is about. */
const first = (view: MailView): MailEvent => view.events[0]!;

/** An app password's name as the event recorded it. */
const nameOf = (event: MailEvent): string => event.appPasswordName ?? '—';

/** A text detail of the event, if it has one. */
const detail = (event: MailEvent, key: string): string | undefined => {
  const value = event.details[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

/** How many app passwords the message is about (all of them, not only the listed ones). */
const countOf = (view: MailView): number => Math.max(view.eventCount, view.events.length);

const counted = (view: MailView): Counted => ({ one: countOf(view) === 1, name: nameOf(first(view)), count: countOf(view) });

const fromOf = (language: MailWords, event: MailEvent): string => (event.clientIp ? language.from(event.clientIp) : '');

/** Seconds as whole minutes or hours, e.g. for how long sign-ins are paused. */
function duration(seconds: number, units: { minutes(n: number): string; hours(n: number): string }): string {
  return seconds >= 3600 && seconds % 3600 === 0 ? units.hours(seconds / 3600) : units.minutes(Math.max(1, Math.round(seconds / 60)));
}

function revokedBy(view: MailView, event: MailEvent, one: boolean, by: RevokedByWords): string {
  switch (event.actorType) {
    case 'system':
      return detail(event, 'reason') === 'unused' ? by.unused(one) : by.rule;
    case 'api_token':
      return by.apiToken(view.tenantName);
    case 'operator':
      return by.operator;
    default:
      return by.admin(view.tenantName);
  }
}

const accountChange = (view: MailView, w: AccountChangeWords, language: MailWords) => ({
  subject: w.subject,
  paragraphs: [w.changed(formatTime(language, first(view).occurredAt), fromOf(language, first(view))), w.ifNotYou],
});

const STRUCTURES: { [K in MailKind]: Structure<K> } = {
  'app_password.created': (view, w, language) => ({
    subject: w.subject(counted(view)),
    paragraphs: [w.intro(counted(view).one)],
    list: view.events.map((ev) => w.item(nameOf(ev), formatTime(language, ev.occurredAt), fromOf(language, ev))),
    closing: w.closing,
  }),
  'app_password.revoked': (view, w) => {
    const e = first(view);
    const { one } = counted(view);
    const reason = detail(e, 'reason');
    return {
      subject: w.subject(counted(view)),
      paragraphs: [w.revoked(one, revokedBy(view, e, one, w.by)), ...(reason && reason !== 'unused' ? [w.reason(reason)] : [])],
      list: view.events.map(nameOf),
      closing: w.closing,
    };
  },
  'app_password.rotated': (view, w, language) => {
    const e = first(view);
    const until = detail(e, 'overlapEndsAt');
    return {
      subject: w.subject(nameOf(e)),
      paragraphs: [
        w.rotated(nameOf(e), formatTime(language, e.occurredAt), fromOf(language, e)) +
          (until ? w.oldUntil(formatTime(language, until)) : ''),
        w.ifNotYou,
      ],
    };
  },
  'app_password.expiring': (view, w, language) => ({
    subject: w.subject(counted(view), detail(first(view), 'daysLeft') ?? '?'),
    paragraphs: [w.intro(counted(view).one)],
    list: view.events.map((ev) => w.item(nameOf(ev), formatTime(language, detail(ev, 'expiresAt')))),
    closing: w.closing,
  }),
  'app_password.unused_notice': (view, w, language) => {
    const on = formatDate(language, detail(first(view), 'revokeOn'));
    return {
      subject: w.subject(counted(view), on),
      paragraphs: [w.intro(counted(view).one, detail(first(view), 'unusedDays') ?? '?', on)],
      list: view.events.map(nameOf),
      closing: w.closing,
    };
  },
  'app_password.used_from_new_network': (view, w, language) => ({
    subject: w.subject(nameOf(first(view))),
    paragraphs: [w.intro],
    list: view.events.map((ev) => {
      const network = detail(ev, 'network');
      return w.item(nameOf(ev), formatTime(language, ev.occurredAt), fromOf(language, ev)) + (network ? ` (${network})` : '');
    }),
    closing: w.closing,
  }),
  'two_step.enabled': accountChange,
  'two_step.removed': accountChange,
  'two_step.reset': (view, w, language) => {
    const e = first(view);
    return {
      subject: w.subject,
      paragraphs: [
        w.reset(e.actorType === 'operator' ? w.who.operator : w.who.admin(view.tenantName), formatTime(language, e.occurredAt)),
        w.ifNotYou,
      ],
    };
  },
  'user.sign_in_blocked': (view, w, language) => {
    const e = first(view);
    const from = fromOf(language, e);
    return {
      subject: w.subject,
      paragraphs: [w.blocked(from ? w.lastTime(from) : '', duration(Number(detail(e, 'blockedForSeconds') ?? 0), w.pause)), w.advice],
    };
  },
};

/** The audit actions that mail their target user (migration MailNotifications queues the same: a test compares them). */
export const MAIL_KINDS = Object.keys(STRUCTURES) as MailKind[];

export const isMailKind = (kind: string): kind is MailKind => (MAIL_KINDS as readonly string[]).includes(kind);

/** A mail of this kind in one language, as plain pieces of text, with the link to the security info. */
export function mailContent<K extends MailKind>(kind: K, view: MailView, words: MailWords): MailContent {
  const structure: Structure<K> = STRUCTURES[kind];
  return { ...structure(view, words[kind], words), action: { label: words.securityInfo, url: view.securityInfoUrl } };
}
