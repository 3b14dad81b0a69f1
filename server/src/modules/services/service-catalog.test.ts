import { describe, expect, it } from 'vitest';
import { addService, chooseServices, narrowServices, parseServiceKey, parseServiceName, suggestedServices } from './service-catalog.js';

const allowed = ['imap', 'smtp', 'caldav'];
const DAY = 24 * 3600 * 1000;

describe('service keys and names', () => {
  it('keys are trimmed and lower-cased, then held to the pattern', () => {
    expect(parseServiceKey(' IMAP ')).toEqual({ key: 'imap' });
    expect(parseServiceKey('mail.submission_2-b')).toEqual({ key: 'mail.submission_2-b' });
    for (const bad of ['', '-imap', 'im ap', 'imap/1', 'x'.repeat(33), 'ïmap']) {
      expect(parseServiceKey(bad), bad).toEqual({ problem: expect.any(String), field: 'key' });
    }
  });

  it('names are 1–64 characters without control characters', () => {
    expect(parseServiceName('  Agenda’s  ', 'nameNl')).toEqual({ name: 'Agenda’s' });
    expect(parseServiceName('', 'nameEn')).toMatchObject({ field: 'nameEn' });
    expect(parseServiceName('a\nb', 'nameEn')).toMatchObject({ field: 'nameEn' });
    expect(parseServiceName('x'.repeat(65), 'nameEn')).toMatchObject({ field: 'nameEn' });
  });

  it('a new key must be new', () => {
    const catalog = [{ key: 'imap', nameEn: 'Mail', nameNl: 'E-mail' }];
    expect(addService(catalog, { key: 'imap', nameEn: 'Again', nameNl: 'Weer' })).toMatchObject({ field: 'key' });
    expect(addService(catalog, { key: 'ldap', nameEn: 'Directory', nameNl: 'Adresboek' })).toEqual({
      catalog: [...catalog, { key: 'ldap', nameEn: 'Directory', nameNl: 'Adresboek' }],
    });
  });
});

describe('choosing and narrowing', () => {
  it('takes allowed keys only, at least one, each once, in the tenant’s order', () => {
    expect(chooseServices(['caldav', 'IMAP', 'imap'], allowed, 'services')).toEqual({ services: ['imap', 'caldav'] });
    expect(chooseServices(['pop3'], allowed, 'services')).toMatchObject({ field: 'services' });
    expect(chooseServices([], allowed, 'services')).toMatchObject({ field: 'services' });
  });

  it('narrows to services it has, never more', () => {
    expect(narrowServices(['smtp'], ['imap', 'smtp'], 'services')).toEqual({ services: ['smtp'] });
    expect(narrowServices(['smtp', 'caldav'], ['imap', 'smtp'], 'services')).toEqual({
      problem: expect.stringContaining('only be limited'),
      field: 'services',
    });
  });

  it('suggests the services used, once it is 30 days old and used for fewer than it allows', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const old = new Date(now.getTime() - 31 * DAY);
    expect(suggestedServices({ createdAt: old, services: allowed, usedServices: ['imap'] }, now)).toEqual(['imap']);
    expect(suggestedServices({ createdAt: new Date(now.getTime() - 29 * DAY), services: allowed, usedServices: ['imap'] }, now)).toBeNull();
    expect(suggestedServices({ createdAt: old, services: allowed, usedServices: [] }, now)).toBeNull();
    expect(suggestedServices({ createdAt: old, services: allowed, usedServices: allowed }, now)).toBeNull();
    // A use for a service it no longer has does not count.
    expect(suggestedServices({ createdAt: old, services: ['imap', 'smtp'], usedServices: ['pop3', 'imap'] }, now)).toEqual(['imap']);
  });
});
