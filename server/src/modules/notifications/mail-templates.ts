import { Language, isLanguage } from '../users/language.js';
import { renderMail, type MailEvent, type MailTexts, type RenderedMail } from './mail-content.js';
import { isMailKind, type MailTemplates } from './mail-kinds.js';
import { EN_TEMPLATES, EN_TEXTS } from './templates/en.js';
import { NL_TEMPLATES, NL_TEXTS } from './templates/nl.js';

const LANGUAGES: Record<Language, { texts: MailTexts; templates: MailTemplates }> = {
  [Language.EN]: { texts: EN_TEXTS, templates: EN_TEMPLATES },
  [Language.NL]: { texts: NL_TEXTS, templates: NL_TEMPLATES },
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
  const { texts, templates } = LANGUAGES[language];
  const view = {
    displayName: message.displayName,
    email: message.email,
    tenantName: message.tenantName,
    events: message.events,
    eventCount: message.eventCount,
    securityInfoUrl: `${publicUrl}/security-info`,
  };
  return renderMail(texts, language, view, templates[message.kind](view, texts));
}
