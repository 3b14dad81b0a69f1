import { formatDate, formatTime, type MailEvent, type MailTexts, type MailView } from '../mail-content.js';
import { countOf, detail, duration, first, nameOf, type MailTemplates } from '../mail-kinds.js';

export const EN_TEXTS: MailTexts = {
  locale: 'en-GB',
  greeting: (name) => `Hello ${name},`,
  more: (count) => `and ${count} more`,
  footer: (email, tenant) =>
    `You get this mail because it is about your account ${email} at ${tenant}. It was sent automatically; replies are not read.`,
  utc: 'UTC',
};

const from = (event: MailEvent) => (event.clientIp ? ` from ${event.clientIp}` : '');
const notYou = 'If this was not you, sign in, delete what you do not recognise and change your password:';

/** Who revoked app passwords, as their owner should read it. */
function revokedBy(view: MailView, event: MailEvent, one: boolean): string {
  const reason = detail(event, 'reason');
  switch (event.actorType) {
    case 'system':
      return reason === 'unused'
        ? `automatically, because ${one ? 'it' : 'they'} had not been used for a long time`
        : 'automatically, by a rule of your organisation';
    case 'api_token':
      return `by an integration of ${view.tenantName} (an API token)`;
    case 'operator':
      return 'by an operator of this service';
    default:
      return `by an administrator of ${view.tenantName}`;
  }
}

function reasonGiven(event: MailEvent): string[] {
  const reason = detail(event, 'reason');
  return reason && reason !== 'unused' ? [`Reason given: “${reason}”.`] : [];
}

const action = (view: MailView) => ({ label: 'Your security info', url: view.securityInfoUrl });

export const EN_TEMPLATES: MailTemplates = {
  'app_password.created': (view, t) => {
    const e = first(view);
    const one = countOf(view) === 1;
    return {
      subject: one ? `New app password “${nameOf(e)}” on your account` : `${countOf(view)} new app passwords on your account`,
      paragraphs: [one ? 'An app password was created for your account:' : 'App passwords were created for your account:'],
      list: view.events.map((ev) => `“${nameOf(ev)}”, created ${formatTime(t, ev.occurredAt)}${from(ev)}`),
      closing: ['If this was you, there is nothing to do.', `This wasn’t me? ${notYou}`],
      action: action(view),
    };
  },
  'app_password.revoked': (view) => {
    const e = first(view);
    const one = countOf(view) === 1;
    return {
      subject: one ? `Your app password “${nameOf(e)}” was revoked` : `${countOf(view)} of your app passwords were revoked`,
      paragraphs: [
        `${one ? 'This app password was revoked' : 'These app passwords were revoked'} ${revokedBy(view, e, one)}. ` +
          'Apps that use them can no longer sign in.',
        ...reasonGiven(e),
      ],
      list: view.events.map(nameOf),
      closing: ['If you still need one, create a new app password on your security-info page.'],
      action: action(view),
    };
  },
  'app_password.rotated': (view, t) => {
    const e = first(view);
    const until = detail(e, 'overlapEndsAt');
    return {
      subject: `Your app password “${nameOf(e)}” has a new secret`,
      paragraphs: [
        `The app password “${nameOf(e)}” got a new secret ${formatTime(t, e.occurredAt)}${from(e)}.` +
          (until ? ` The old secret keeps working until ${formatTime(t, until)}; put the new one in the app before then.` : ''),
        `If this was not you: ${notYou}`,
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
        ? `Your app password “${nameOf(e)}” stops working in ${days} days`
        : `${countOf(view)} of your app passwords stop working in ${days} days`,
      paragraphs: [`${one ? 'This app password expires' : 'These app passwords expire'} soon:`],
      list: view.events.map((ev) => `“${nameOf(ev)}”, until ${formatTime(t, detail(ev, 'expiresAt'))}`),
      closing: ['If you still use it, create a new app password and put it in the app before then.'],
      action: action(view),
    };
  },
  'app_password.unused_notice': (view, t) => {
    const e = first(view);
    const on = formatDate(t, detail(e, 'revokeOn'));
    const one = countOf(view) === 1;
    return {
      subject: one
        ? `Your app password “${nameOf(e)}” will be revoked on ${on} unless it is used`
        : `${countOf(view)} of your app passwords will be revoked on ${on} unless they are used`,
      paragraphs: [
        `${one ? 'This app password has' : 'These app passwords have'} not been used for ${detail(e, 'unusedDays') ?? '?'} days, ` +
          `so your organisation revokes ${one ? 'it' : 'them'} on ${on}:`,
      ],
      list: view.events.map(nameOf),
      closing: ['Still needed? Let the app sign in with it before then. Not needed? There is nothing to do.'],
      action: action(view),
    };
  },
  'app_password.used_from_new_network': (view, t) => {
    const e = first(view);
    return {
      subject: `Your app password “${nameOf(e)}” was used from a new network`,
      paragraphs: ['An app signed in with your app password from a network it was not used from in the last 90 days:'],
      list: view.events.map(
        (ev) => `“${nameOf(ev)}”, ${formatTime(t, ev.occurredAt)}${from(ev)}${detail(ev, 'network') ? ` (${detail(ev, 'network')})` : ''}`,
      ),
      closing: ['If this was your device, for example on a trip or a new connection, there is nothing to do.', `This wasn’t me? ${notYou}`],
      action: action(view),
    };
  },
  'two_step.enabled': (view, t) => {
    const e = first(view);
    return {
      subject: 'Two-step verification is on for your account',
      paragraphs: [
        `Two-step verification was turned on for your account ${formatTime(t, e.occurredAt)}${from(e)}. ` +
          'Signing in now also asks for a code from the authenticator app.',
        'If this was not you, someone has your password: contact your administrator at once.',
      ],
      action: action(view),
    };
  },
  'two_step.removed': (view, t) => {
    const e = first(view);
    return {
      subject: 'Two-step verification was turned off for your account',
      paragraphs: [
        `Two-step verification was turned off for your account ${formatTime(t, e.occurredAt)}${from(e)}. ` +
          'Signing in now asks for the password only.',
        'If this was not you, change your password and turn two-step verification on again, or contact your administrator.',
      ],
      action: action(view),
    };
  },
  'two_step.reset': (view, t) => {
    const e = first(view);
    const who = e.actorType === 'operator' ? 'An operator of this service' : `An administrator of ${view.tenantName}`;
    return {
      subject: 'Two-step verification was reset for your account',
      paragraphs: [
        `${who} reset two-step verification for your account ${formatTime(t, e.occurredAt)}: your authenticator app and ` +
          'recovery codes no longer work, and you were signed out everywhere. Sign in with your password and set up an ' +
          'authenticator app again.',
        'If you did not ask for this, contact your administrator.',
      ],
      action: action(view),
    };
  },
  'user.sign_in_blocked': (view) => {
    const e = first(view);
    const seconds = Number(detail(e, 'blockedForSeconds') ?? 0);
    const pause = duration(seconds, { minutes: (n) => `${n} minutes`, hours: (n) => (n === 1 ? 'an hour' : `${n} hours`) });
    return {
      subject: 'Sign-ins to your account were paused after many failed attempts',
      paragraphs: [
        `Someone tried to sign in to your account many times with a wrong password or code${from(e) ? `, the last time${from(e)}` : ''}. ` +
          `Those sign-ins are paused for ${pause}; devices that signed in successfully before keep working.`,
        'If that was not you or one of your apps with an old password, consider changing your password. ' +
          'You get this mail at most once an hour.',
      ],
      action: action(view),
    };
  },
};
