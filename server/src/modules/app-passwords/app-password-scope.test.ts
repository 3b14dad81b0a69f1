import { describe, expect, it } from 'vitest';
import { parseNetworks, scopeRefusal, type AppPasswordScope } from './app-password-scope.js';

const everything: AppPasswordScope = { services: ['imap', 'smtp', 'caldav'], everyService: true, networks: [] };
const ask = (service: string | undefined, clientIp: string | null = '192.0.2.7', requireService = false) => ({
  service,
  clientIp,
  requireService,
});

describe('which requests an app password may sign in', () => {
  it('takes a service it has, and refuses any other', () => {
    const mail: AppPasswordScope = { services: ['imap', 'smtp'], everyService: false, networks: [] };
    expect(scopeRefusal(mail, ask('imap'))).toBeNull();
    expect(scopeRefusal(mail, ask('caldav'))).toBe('SERVICE_NOT_ALLOWED');
    expect(scopeRefusal(mail, ask('IMAP'))).toBe('SERVICE_NOT_ALLOWED');
  });

  it('takes a check that names no service only for an app password with every service, and never when one is required', () => {
    expect(scopeRefusal(everything, ask(undefined))).toBeNull();
    expect(scopeRefusal({ ...everything, everyService: false }, ask(undefined))).toBe('SERVICE_NOT_ALLOWED');
    expect(scopeRefusal(everything, ask(undefined, '192.0.2.7', true))).toBe('SERVICE_NOT_ALLOWED');
    expect(scopeRefusal(everything, ask('imap', '192.0.2.7', true))).toBeNull();
  });

  it('takes clients inside its networks only (IPv4, IPv6, IPv4-mapped), and an unknown address is outside', () => {
    const office: AppPasswordScope = { ...everything, networks: ['192.0.2.0/24', '2001:db8::/32'] };
    expect(scopeRefusal(office, ask('imap', '192.0.2.200'))).toBeNull();
    expect(scopeRefusal(office, ask('imap', '::ffff:192.0.2.9'))).toBeNull();
    expect(scopeRefusal(office, ask('imap', '2001:db8:ffff::1'))).toBeNull();
    expect(scopeRefusal(office, ask('imap', '192.0.3.1'))).toBe('NETWORK_NOT_ALLOWED');
    expect(scopeRefusal(office, ask('imap', '2001:db9::1'))).toBe('NETWORK_NOT_ALLOWED');
    expect(scopeRefusal(office, ask('imap', null))).toBe('NETWORK_NOT_ALLOWED');
    // The service is asked first: a wrong service from a wrong network is a service refusal.
    expect(scopeRefusal({ ...office, everyService: false }, ask(undefined, '10.0.0.1'))).toBe('SERVICE_NOT_ALLOWED');
  });
});

describe('networks as typed', () => {
  it('are written one way: host bits cleared, single addresses as /32 or /128, duplicates once', () => {
    expect(parseNetworks([' 192.0.2.77/24 ', '192.0.2.0/24', '198.51.100.1', '2001:DB8:0:0::1/48', 'fe80::1%eth0'])).toEqual({
      networks: ['192.0.2.0/24', '198.51.100.1/32', '2001:db8::/48', 'fe80::1/128'],
    });
    expect(parseNetworks([])).toEqual({ networks: [] });
  });

  it('refuse what is not a network, naming its number and never echoing it', () => {
    for (const bad of [
      '192.0.2.0/33',
      '127.1',
      '0x7f.0.0.1',
      'mail.example.com',
      '10.0.0.0/8/8',
      '10.0.0.0/-1',
      '::1/129',
      '',
      'x'.repeat(100),
    ]) {
      const result = parseNetworks(['10.0.0.0/8', bad]);
      expect(result, bad).toEqual({ problem: expect.stringContaining('Network 2 ') });
      if (bad) expect((result as { problem: string }).problem).not.toContain(bad);
    }
  });

  it('are at most 20', () => {
    const many = Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`);
    expect(parseNetworks(many.slice(0, 20))).toEqual({ networks: many.slice(0, 20) });
    expect(parseNetworks(many)).toEqual({ problem: expect.stringContaining('at most 20') });
  });
});
