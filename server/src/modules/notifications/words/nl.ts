import type { MailWords } from '../mail-kinds.js';

const notYou = 'Was jij dit niet? Meld je aan, verwijder wat je niet herkent en wijzig je wachtwoord:';

/** De mails in het Nederlands (hun opbouw: mail-kinds.ts). */
export const NL_WORDS: MailWords = {
  locale: 'nl-NL',
  greeting: (name) => `Hallo ${name},`,
  more: (count) => `en nog ${count}`,
  footer: (email, tenant) =>
    `Je krijgt deze mail omdat hij over je account ${email} bij ${tenant} gaat. Hij is automatisch verstuurd; antwoorden worden niet gelezen.`,
  utc: 'UTC',
  from: (clientIp) => ` vanaf ${clientIp}`,
  securityInfo: 'Je beveiligingsgegevens',

  'app_password.created': {
    subject: ({ one, name, count }) =>
      one ? `Nieuw app-wachtwoord ‘${name}’ voor je account` : `${count} nieuwe app-wachtwoorden voor je account`,
    intro: (one) => (one ? 'Er is een app-wachtwoord voor je account gemaakt:' : 'Er zijn app-wachtwoorden voor je account gemaakt:'),
    item: (name, at, from) => `‘${name}’, gemaakt op ${at}${from}`,
    closing: ['Was jij dit, dan hoef je niets te doen.', notYou],
  },
  'app_password.revoked': {
    subject: ({ one, name, count }) =>
      one ? `Je app-wachtwoord ‘${name}’ is ingetrokken` : `${count} van je app-wachtwoorden zijn ingetrokken`,
    revoked: (one, by) =>
      `${one ? 'Dit app-wachtwoord is' : 'Deze app-wachtwoorden zijn'} ${by}. Apps die ze gebruiken, kunnen zich niet meer aanmelden.`,
    by: {
      unused: (one) => `automatisch ingetrokken, omdat ${one ? 'het' : 'ze'} lange tijd niet ${one ? 'is' : 'zijn'} gebruikt`,
      rule: 'automatisch ingetrokken, door een regel van je organisatie',
      apiToken: (tenant) => `ingetrokken door een koppeling van ${tenant} (een API-token)`,
      operator: 'ingetrokken door een beheerder van deze dienst',
      admin: (tenant) => `ingetrokken door een beheerder van ${tenant}`,
    },
    reason: (reason) => `Opgegeven reden: ‘${reason}’.`,
    closing: ['Heb je er nog een nodig? Maak dan een nieuw app-wachtwoord op je pagina met beveiligingsgegevens.'],
  },
  'app_password.rotated': {
    subject: (name) => `Je app-wachtwoord ‘${name}’ heeft een nieuw geheim`,
    rotated: (name, at, from) => `Het app-wachtwoord ‘${name}’ kreeg op ${at}${from} een nieuw geheim.`,
    oldUntil: (until) => ` Het oude blijft werken tot ${until}; zet het nieuwe vóór die tijd in de app.`,
    ifNotYou: notYou,
  },
  'app_password.expiring': {
    subject: ({ one, name, count }, days) =>
      one
        ? `Je app-wachtwoord ‘${name}’ werkt over ${days} dagen niet meer`
        : `${count} van je app-wachtwoorden werken over ${days} dagen niet meer`,
    intro: (one) => `${one ? 'Dit app-wachtwoord verloopt' : 'Deze app-wachtwoorden verlopen'} binnenkort:`,
    item: (name, until) => `‘${name}’, tot ${until}`,
    closing: ['Gebruik je het nog? Maak dan een nieuw app-wachtwoord en zet het vóór die tijd in de app.'],
  },
  'app_password.unused_notice': {
    subject: ({ one, name, count }, on) =>
      one
        ? `Je app-wachtwoord ‘${name}’ wordt op ${on} ingetrokken, tenzij het wordt gebruikt`
        : `${count} van je app-wachtwoorden worden op ${on} ingetrokken, tenzij ze worden gebruikt`,
    intro: (one, days, on) =>
      `${one ? 'Dit app-wachtwoord is' : 'Deze app-wachtwoorden zijn'} ${days} dagen niet gebruikt, ` +
      `dus je organisatie trekt ${one ? 'het' : 'ze'} op ${on} in:`,
    closing: ['Nog nodig? Laat de app zich er vóór die datum mee aanmelden. Niet meer nodig? Dan hoef je niets te doen.'],
  },
  'app_password.used_from_new_network': {
    subject: (name) => `Je app-wachtwoord ‘${name}’ is vanaf een nieuw netwerk gebruikt`,
    intro: 'Een app heeft zich met je app-wachtwoord aangemeld vanaf een netwerk waar het de afgelopen 90 dagen niet vandaan kwam:',
    item: (name, at, from) => `‘${name}’, ${at}${from}`,
    closing: ['Was dit je eigen apparaat, bijvoorbeeld op reis of via een nieuwe verbinding, dan hoef je niets te doen.', notYou],
  },
  'two_step.enabled': {
    subject: 'Verificatie in twee stappen staat aan voor je account',
    changed: (at, from) =>
      `Verificatie in twee stappen is op ${at}${from} aangezet voor je account. ` +
      'Bij het aanmelden wordt nu ook om een code uit de authenticator-app gevraagd.',
    ifNotYou: 'Was jij dit niet, dan heeft iemand je wachtwoord: neem meteen contact op met je beheerder.',
  },
  'two_step.removed': {
    subject: 'Verificatie in twee stappen is uitgezet voor je account',
    changed: (at, from) =>
      `Verificatie in twee stappen is op ${at}${from} uitgezet voor je account. Bij het aanmelden wordt nu alleen om het wachtwoord gevraagd.`,
    ifNotYou: 'Was jij dit niet? Wijzig je wachtwoord en zet verificatie in twee stappen weer aan, of neem contact op met je beheerder.',
  },
  'two_step.reset': {
    subject: 'Verificatie in twee stappen is opnieuw ingesteld voor je account',
    reset: (who, at) =>
      `${who} heeft op ${at} verificatie in twee stappen voor je account opnieuw ingesteld: je authenticator-app en herstelcodes ` +
      'werken niet meer en je bent overal afgemeld. Meld je aan met je wachtwoord en stel opnieuw een authenticator-app in.',
    who: { operator: 'Een beheerder van deze dienst', admin: (tenant) => `Een beheerder van ${tenant}` },
    ifNotYou: 'Heb je hier niet om gevraagd? Neem dan contact op met je beheerder.',
  },
  'user.sign_in_blocked': {
    subject: 'Aanmelden bij je account is gepauzeerd na veel mislukte pogingen',
    blocked: (last, pause) =>
      `Iemand heeft vaak geprobeerd zich bij je account aan te melden met een verkeerd wachtwoord of een verkeerde code${last}. ` +
      `Die aanmeldingen zijn ${pause} gepauzeerd; apparaten die zich eerder met succes aanmeldden, blijven werken.`,
    lastTime: (from) => `, de laatste keer${from}`,
    pause: { minutes: (n) => `${n} minuten`, hours: (n) => (n === 1 ? 'een uur' : `${n} uur`) },
    advice:
      'Was jij dat niet, of een app met een oud wachtwoord? Overweeg dan je wachtwoord te wijzigen. ' +
      'Je krijgt deze mail hooguit één keer per uur.',
  },
};
