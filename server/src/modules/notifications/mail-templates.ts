import { Language, isLanguage } from '../users/language.js';
import { renderMail, type MailEvent, type RenderedMail } from './mail-content.js';
import { isMailKind, mailContent, type MailWords } from './mail-kinds.js';
import { EN_WORDS } from './words/en.js';
import { NL_WORDS } from './words/nl.js';

const WORDS: Record<Language, MailWords> = {
  [Language.EN]: EN_WORDS,
  [Language.NL]: NL_WORDS,
};

/** A queued message with what claim_mail_messages found to render it: the owner, their organisation, the events. */
export interface MailToRender {
  kind: string;
  email: string;
  displayName: string;
  language: string;
  tenantName: string;
  eventCount: number;
  events: MailEvent[];
}

/**
 * The mail for a queued message, in its owner's language; undefined when
 * there is nothing to say (an unknown kind, or its audit events are gone).
 */
export function composeMail(message: MailToRender, publicUrl: string): RenderedMail | undefined {
  if (!isMailKind(message.kind) || message.events.length === 0) return undefined;
  const language = isLanguage(message.language) ? message.language : Language.EN;
  const words = WORDS[language];
  const view = {
    displayName: message.displayName,
    email: message.email,
    tenantName: message.tenantName,
    events: message.events,
    eventCount: message.eventCount,
    securityInfoUrl: `${publicUrl}/security-info`,
  };
  return renderMail(words, language, view, mailContent(message.kind, view, words));
}
