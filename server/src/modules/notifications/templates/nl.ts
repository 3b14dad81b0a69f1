import { formatDate, formatTime, type MailEvent, type MailTexts, type MailView } from '../mail-content.js';
import { countOf, detail, duration, first, nameOf, type MailTemplates } from '../mail-kinds.js';

export const NL_TEXTS: MailTexts = {
  locale: 'nl-NL',
  greeting: (name) => `Hallo ${name},`,
  more: (count) => `en nog ${count}`,
  footer: (email, tenant) =>
    `Je krijgt deze mail omdat hij over je account ${email} bij ${tenant} gaat. Hij is automatisch verstuurd; antwoorden worden niet gelezen.`,
  utc: 'UTC',
};

const from = (event: MailEvent) => (event.clientIp ? ` vanaf ${event.clientIp}` : '');
const notYou = 'Was jij dit niet? Meld je aan, verwijder wat je niet herkent en wijzig je wachtwoord:';

/** Wie app-wachtwoorden heeft ingetrokken, zoals de eigenaar het moet lezen. */
function revokedBy(view: MailView, event: MailEvent, one: boolean): string {
  const reason = detail(event, 'reason');
  switch (event.actorType) {
    case 'system':
      return reason === 'unused'
        ? `automatisch ingetrokken, omdat ${one ? 'het' : 'ze'} lange tijd niet ${one ? 'is' : 'zijn'} gebruikt`
        : 'automatisch ingetrokken, door een regel van je organisatie';
    case 'api_token':
      return `ingetrokken door een koppeling van ${view.tenantName} (een API-token)`;
    case 'operator':
      return 'ingetrokken door een beheerder van deze dienst';
    default:
      return `ingetrokken door een beheerder van ${view.tenantName}`;
  }
}

function reasonGiven(event: MailEvent): string[] {
  const reason = detail(event, 'reason');
  return reason && reason !== 'unused' ? [`Opgegeven reden: ‘${reason}’.`] : [];
}

const action = (view: MailView) => ({ label: 'Je beveiligingsgegevens', url: view.securityInfoUrl });

export const NL_TEMPLATES: MailTemplates = {
  'app_password.created': (view, t) => {
    const e = first(view);
    const one = countOf(view) === 1;
    return {
      subject: one ? `Nieuw app-wachtwoord ‘${nameOf(e)}’ voor je account` : `${countOf(view)} nieuwe app-wachtwoorden voor je account`,
      paragraphs: [one ? 'Er is een app-wachtwoord voor je account gemaakt:' : 'Er zijn app-wachtwoorden voor je account gemaakt:'],
      list: view.events.map((ev) => `‘${nameOf(ev)}’, gemaakt op ${formatTime(t, ev.occurredAt)}${from(ev)}`),
      closing: ['Was jij dit, dan hoef je niets te doen.', notYou],
      action: action(view),
    };
  },
  'app_password.revoked': (view) => {
    const e = first(view);
    const one = countOf(view) === 1;
    return {
      subject: one ? `Je app-wachtwoord ‘${nameOf(e)}’ is ingetrokken` : `${countOf(view)} van je app-wachtwoorden zijn ingetrokken`,
      paragraphs: [
        `${one ? 'Dit app-wachtwoord is' : 'Deze app-wachtwoorden zijn'} ${revokedBy(view, e, one)}. ` +
          'Apps die ze gebruiken, kunnen zich niet meer aanmelden.',
        ...reasonGiven(e),
      ],
      list: view.events.map(nameOf),
      closing: ['Heb je er nog een nodig? Maak dan een nieuw app-wachtwoord op je pagina met beveiligingsgegevens.'],
      action: action(view),
    };
  },
  'app_password.rotated': (view, t) => {
    const e = first(view);
    const until = detail(e, 'overlapEndsAt');
    return {
      subject: `Je app-wachtwoord ‘${nameOf(e)}’ heeft een nieuw geheim`,
      paragraphs: [
        `Het app-wachtwoord ‘${nameOf(e)}’ kreeg op ${formatTime(t, e.occurredAt)}${from(e)} een nieuw geheim.` +
          (until ? ` Het oude blijft werken tot ${formatTime(t, until)}; zet het nieuwe vóór die tijd in de app.` : ''),
        notYou,
      ],
      action: action(view),
    };
  },
  'app_password.expiring': (view, t) => {
    const e = first(view);
    const days = detail(e, 'daysLeft') ?? '?';
    const one = countOf(view) === 1;
    return {
      subject: one
        ? `Je app-wachtwoord ‘${nameOf(e)}’ werkt over ${days} dagen niet meer`
        : `${countOf(view)} van je app-wachtwoorden werken over ${days} dagen niet meer`,
      paragraphs: [`${one ? 'Dit app-wachtwoord verloopt' : 'Deze app-wachtwoorden verlopen'} binnenkort:`],
      list: view.events.map((ev) => `‘${nameOf(ev)}’, tot ${formatTime(t, detail(ev, 'expiresAt'))}`),
      closing: ['Gebruik je het nog? Maak dan een nieuw app-wachtwoord en zet het vóór die tijd in de app.'],
      action: action(view),
    };
  },
  'app_password.unused_notice': (view, t) => {
    const e = first(view);
    const on = formatDate(t, detail(e, 'revokeOn'));
    const one = countOf(view) === 1;
    return {
      subject: one
        ? `Je app-wachtwoord ‘${nameOf(e)}’ wordt op ${on} ingetrokken, tenzij het wordt gebruikt`
        : `${countOf(view)} van je app-wachtwoorden worden op ${on} ingetrokken, tenzij ze worden gebruikt`,
      paragraphs: [
        `${one ? 'Dit app-wachtwoord is' : 'Deze app-wachtwoorden zijn'} ${detail(e, 'unusedDays') ?? '?'} dagen niet gebruikt, ` +
          `dus je organisatie trekt ${one ? 'het' : 'ze'} op ${on} in:`,
      ],
      list: view.events.map(nameOf),
      closing: ['Nog nodig? Laat de app zich er vóór die datum mee aanmelden. Niet meer nodig? Dan hoef je niets te doen.'],
      action: action(view),
    };
  },
  'app_password.used_from_new_network': (view, t) => {
    const e = first(view);
    return {
      subject: `Je app-wachtwoord ‘${nameOf(e)}’ is vanaf een nieuw netwerk gebruikt`,
      paragraphs: [
        'Een app heeft zich met je app-wachtwoord aangemeld vanaf een netwerk waar het de afgelopen 90 dagen niet vandaan kwam:',
      ],
      list: view.events.map(
        (ev) => `‘${nameOf(ev)}’, ${formatTime(t, ev.occurredAt)}${from(ev)}${detail(ev, 'network') ? ` (${detail(ev, 'network')})` : ''}`,
      ),
      closing: ['Was dit je eigen apparaat, bijvoorbeeld op reis of via een nieuwe verbinding, dan hoef je niets te doen.', notYou],
      action: action(view),
    };
  },
  'two_step.enabled': (view, t) => {
    const e = first(view);
    return {
      subject: 'Verificatie in twee stappen staat aan voor je account',
      paragraphs: [
        `Verificatie in twee stappen is op ${formatTime(t, e.occurredAt)}${from(e)} aangezet voor je account. ` +
          'Bij het aanmelden wordt nu ook om een code uit de authenticator-app gevraagd.',
        'Was jij dit niet, dan heeft iemand je wachtwoord: neem meteen contact op met je beheerder.',
      ],
      action: action(view),
    };
  },
  'two_step.removed': (view, t) => {
    const e = first(view);
    return {
      subject: 'Verificatie in twee stappen is uitgezet voor je account',
      paragraphs: [
        `Verificatie in twee stappen is op ${formatTime(t, e.occurredAt)}${from(e)} uitgezet voor je account. ` +
          'Bij het aanmelden wordt nu alleen om het wachtwoord gevraagd.',
        'Was jij dit niet? Wijzig je wachtwoord en zet verificatie in twee stappen weer aan, of neem contact op met je beheerder.',
      ],
      action: action(view),
    };
  },
  'two_step.reset': (view, t) => {
    const e = first(view);
    const who = e.actorType === 'operator' ? 'Een beheerder van deze dienst' : `Een beheerder van ${view.tenantName}`;
    return {
      subject: 'Verificatie in twee stappen is opnieuw ingesteld voor je account',
      paragraphs: [
        `${who} heeft op ${formatTime(t, e.occurredAt)} verificatie in twee stappen voor je account opnieuw ingesteld: je ` +
          'authenticator-app en herstelcodes werken niet meer en je bent overal afgemeld. Meld je aan met je wachtwoord en ' +
          'stel opnieuw een authenticator-app in.',
        'Heb je hier niet om gevraagd? Neem dan contact op met je beheerder.',
      ],
      action: action(view),
    };
  },
  'user.sign_in_blocked': (view) => {
    const e = first(view);
    const seconds = Number(detail(e, 'blockedForSeconds') ?? 0);
    const pause = duration(seconds, { minutes: (n) => `${n} minuten`, hours: (n) => (n === 1 ? 'een uur' : `${n} uur`) });
    return {
      subject: 'Aanmelden bij je account is gepauzeerd na veel mislukte pogingen',
      paragraphs: [
        `Iemand heeft vaak geprobeerd zich bij je account aan te melden met een verkeerd wachtwoord of een verkeerde code` +
          `${from(e) ? `, de laatste keer${from(e)}` : ''}. Die aanmeldingen zijn ${pause} gepauzeerd; apparaten die zich eerder ` +
          'met succes aanmeldden, blijven werken.',
        'Was jij dat niet, of een app met een oud wachtwoord? Overweeg dan je wachtwoord te wijzigen. ' +
          'Je krijgt deze mail hooguit één keer per uur.',
      ],
      action: action(view),
    };
  },
};
