import { describe, expect, it } from 'vitest';
import { MAILED_ACTIONS } from '../../db/migrations/1797300000000-MailNotifications.js';
import type { MailEvent } from './mail-content.js';
import { MAIL_KINDS } from './mail-kinds.js';
import { composeMail, type MailToRender } from './mail-templates.js';

const event = (more: Partial<MailEvent> = {}): MailEvent => ({
  occurredAt: '2026-12-06T11:52:00Z',
  actorType: 'user',
  byOwner: true,
  appPasswordName: 'Thunderbird',
  clientIp: '198.51.100.7',
  details: {
    expiresAt: '2026-12-20T00:00:00Z',
    daysLeft: 14,
    revokeOn: '2026-12-13',
    unusedDays: 90,
    overlapEndsAt: '2026-12-07T11:52:00Z',
    network: '198.51.100.0/24',
    blockedForSeconds: 3600,
    method: 'APP_PASSWORD',
  },
  ...more,
});

const message = (more: Partial<MailToRender> = {}): MailToRender => ({
  kind: 'app_password.created',
  email: 'ada@example.test',
  displayName: 'Ada',
  language: 'en',
  tenantName: 'Contoso',
  eventCount: 1,
  events: [event()],
  ...more,
});

describe('composeMail', () => {
  it('has a template for exactly the actions the migration queues', () => {
    expect([...MAIL_KINDS].sort()).toEqual([...MAILED_ACTIONS].sort());
  });

  it.each(
    MAIL_KINDS.flatMap((kind) => [
      { kind, language: 'en' },
      { kind, language: 'nl' },
    ]),
  )('renders $kind in $language: a subject, plain text and HTML with the link to the security info', ({ kind, language }) => {
    const mail = composeMail(message({ kind, language }), 'https://apps.example.com')!;
    expect(mail.subject.length).toBeGreaterThan(10);
    expect(mail.text).toContain(language === 'nl' ? 'Hallo Ada,' : 'Hello Ada,');
    expect(mail.text).toContain('https://apps.example.com/security-info');
    expect(mail.html).toContain('href="https://apps.example.com/security-info"');
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.text).not.toMatch(/undefined|NaN|\[object/);
  });

  it('escapes every value in the HTML part: a name is shown, never run', () => {
    const name = '<script>alert("x")</script> & <b>';
    const mail = composeMail(
      message({ displayName: '<img src=x>', tenantName: '"Evil" Corp', events: [event({ appPasswordName: name })] }),
      'https://apps.example.com',
    )!;
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(mail.html).toContain('&quot;Evil&quot; Corp');
    // The plain text part shows it as it is.
    expect(mail.text).toContain(name);
  });

  it('keeps line breaks of a name out of the subject: no header can be added through it', () => {
    const mail = composeMail(message({ events: [event({ appPasswordName: 'Phone\r\nBcc: all@example.test' })] }), 'https://a.example')!;
    expect(mail.subject).toBe('New app password “Phone Bcc: all@example.test” on your account');
  });

  it('lists at most the events it got and says how many more there were', () => {
    const events = Array.from({ length: 20 }, (_, i) => event({ appPasswordName: `Printer ${i + 1}`, actorType: 'api_token' }));
    const en = composeMail(message({ kind: 'app_password.revoked', events, eventCount: 120 }), 'https://a.example')!;
    expect(en.subject).toBe('120 of your app passwords were revoked');
    expect(en.text).toContain('- Printer 20');
    expect(en.text).toContain('and 100 more');
    const nl = composeMail(message({ kind: 'app_password.revoked', language: 'nl', events, eventCount: 120 }), 'https://a.example')!;
    expect(nl.text).toContain('en nog 100');
  });

  it('says who revoked and why: the clean-up of unused app passwords, or the reason an admin gave', () => {
    const unused = composeMail(
      message({ kind: 'app_password.revoked', events: [event({ actorType: 'system', details: { reason: 'unused' } })] }),
      'https://a.example',
    )!;
    expect(unused.text).toMatch(/automatically, because it had not been used/);
    const admin = composeMail(
      message({ kind: 'app_password.revoked', events: [event({ byOwner: false, details: { reason: 'Laptop stolen' } })] }),
      'https://a.example',
    )!;
    expect(admin.text).toContain('by an administrator of Contoso');
    expect(admin.text).toContain('Reason given: “Laptop stolen”.');
  });

  it('has nothing to say about an unknown kind or without events', () => {
    expect(composeMail(message({ kind: 'user.enabled' }), 'https://a.example')).toBeUndefined();
    expect(composeMail(message({ events: [] }), 'https://a.example')).toBeUndefined();
  });
});
