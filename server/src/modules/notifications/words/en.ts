import type { MailWords } from '../mail-kinds.js';

const notYou = 'If this was not you, sign in, delete what you do not recognise and change your password:';

/** The mails in English (their structure: mail-kinds.ts). */
export const EN_WORDS: MailWords = {
  locale: 'en-GB',
  greeting: (name) => `Hello ${name},`,
  more: (count) => `and ${count} more`,
  footer: (email, tenant) =>
    `You get this mail because it is about your account ${email} at ${tenant}. It was sent automatically; replies are not read.`,
  utc: 'UTC',
  from: (clientIp) => ` from ${clientIp}`,
  securityInfo: 'Your security info',

  'app_password.created': {
    subject: ({ one, name, count }) => (one ? `New app password “${name}” on your account` : `${count} new app passwords on your account`),
    intro: (one) => (one ? 'An app password was created for your account:' : 'App passwords were created for your account:'),
    item: (name, at, from) => `“${name}”, created ${at}${from}`,
    closing: ['If this was you, there is nothing to do.', `This wasn’t me? ${notYou}`],
  },
  'app_password.revoked': {
    subject: ({ one, name, count }) => (one ? `Your app password “${name}” was revoked` : `${count} of your app passwords were revoked`),
    revoked: (one, by) =>
      `${one ? 'This app password was revoked' : 'These app passwords were revoked'} ${by}. Apps that use them can no longer sign in.`,
    by: {
      unused: (one) => `automatically, because ${one ? 'it' : 'they'} had not been used for a long time`,
      rule: 'automatically, by a rule of your organisation',
      apiToken: (tenant) => `by an integration of ${tenant} (an API token)`,
      operator: 'by an operator of this service',
      admin: (tenant) => `by an administrator of ${tenant}`,
    },
    reason: (reason) => `Reason given: “${reason}”.`,
    closing: ['If you still need one, create a new app password on your security-info page.'],
  },
  'app_password.rotated': {
    subject: (name) => `Your app password “${name}” has a new secret`,
    rotated: (name, at, from) => `The app password “${name}” got a new secret ${at}${from}.`,
    oldUntil: (until) => ` The old secret keeps working until ${until}; put the new one in the app before then.`,
    ifNotYou: `If this was not you: ${notYou}`,
  },
  'app_password.expiring': {
    subject: ({ one, name, count }, days) =>
      one ? `Your app password “${name}” stops working in ${days} days` : `${count} of your app passwords stop working in ${days} days`,
    intro: (one) => `${one ? 'This app password expires' : 'These app passwords expire'} soon:`,
    item: (name, until) => `“${name}”, until ${until}`,
    closing: ['If you still use it, create a new app password and put it in the app before then.'],
  },
  'app_password.unused_notice': {
    subject: ({ one, name, count }, on) =>
      one
        ? `Your app password “${name}” will be revoked on ${on} unless it is used`
        : `${count} of your app passwords will be revoked on ${on} unless they are used`,
    intro: (one, days, on) =>
      `${one ? 'This app password has' : 'These app passwords have'} not been used for ${days} days, ` +
      `so your organisation revokes ${one ? 'it' : 'them'} on ${on}:`,
    closing: ['Still needed? Let the app sign in with it before then. Not needed? There is nothing to do.'],
  },
  'app_password.used_from_new_network': {
    subject: (name) => `Your app password “${name}” was used from a new network`,
    intro: 'An app signed in with your app password from a network it was not used from in the last 90 days:',
    item: (name, at, from) => `“${name}”, ${at}${from}`,
    closing: ['If this was your device, for example on a trip or a new connection, there is nothing to do.', `This wasn’t me? ${notYou}`],
  },
  'two_step.enabled': {
    subject: 'Two-step verification is on for your account',
    changed: (at, from) =>
      `Two-step verification was turned on for your account ${at}${from}. Signing in now also asks for a code from the authenticator app.`,
    ifNotYou: 'If this was not you, someone has your password: contact your administrator at once.',
  },
  'two_step.removed': {
    subject: 'Two-step verification was turned off for your account',
    changed: (at, from) => `Two-step verification was turned off for your account ${at}${from}. Signing in now asks for the password only.`,
    ifNotYou: 'If this was not you, change your password and turn two-step verification on again, or contact your administrator.',
  },
  'two_step.reset': {
    subject: 'Two-step verification was reset for your account',
    reset: (who, at) =>
      `${who} reset two-step verification for your account ${at}: your authenticator app and recovery codes no longer work, ` +
      'and you were signed out everywhere. Sign in with your password and set up an authenticator app again.',
    who: { operator: 'An operator of this service', admin: (tenant) => `An administrator of ${tenant}` },
    ifNotYou: 'If you did not ask for this, contact your administrator.',
  },
  'user.sign_in_blocked': {
    subject: 'Sign-ins to your account were paused after many failed attempts',
    blocked: (last, pause) =>
      `Someone tried to sign in to your account many times with a wrong password or code${last}. ` +
      `Those sign-ins are paused for ${pause}; devices that signed in successfully before keep working.`,
    lastTime: (from) => `, the last time${from}`,
    pause: { minutes: (n) => `${n} minutes`, hours: (n) => (n === 1 ? 'an hour' : `${n} hours`) },
    advice:
      'If that was not you or one of your apps with an old password, consider changing your password. ' +
      'You get this mail at most once an hour.',
  },
};
