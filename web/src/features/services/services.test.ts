import { describe, expect, it } from 'vitest';
import { sameKeys, serviceName, serviceNames } from './services';

const imap = { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true };
const smtp = { key: 'smtp', nameEn: 'Sending mail (SMTP)', nameNl: 'E-mail versturen (SMTP)', allowed: true };

describe('service names', () => {
  it('show the Dutch name in Dutch and the English one otherwise', () => {
    expect(serviceName(imap, 'nl')).toBe('E-mail (IMAP)');
    expect(serviceName(imap, 'en')).toBe('Mail (IMAP)');
    expect(serviceName(imap, 'de')).toBe('Mail (IMAP)');
  });

  it('list keys as names in the order given; a key the list does not know shows as itself', () => {
    expect(serviceNames(['smtp', 'imap'], [imap, smtp], 'en')).toBe('Sending mail (SMTP), Mail (IMAP)');
    expect(serviceNames(['imap', 'gone'], [imap, smtp], 'nl')).toBe('E-mail (IMAP), gone');
    expect(serviceNames([], [imap], 'en')).toBe('');
  });
});

describe('sameKeys', () => {
  it('ignores order, not content', () => {
    expect(sameKeys(['imap', 'smtp'], ['smtp', 'imap'])).toBe(true);
    expect(sameKeys(['imap'], ['imap', 'smtp'])).toBe(false);
    expect(sameKeys(['imap', 'caldav'], ['imap', 'smtp'])).toBe(false);
  });
});
