import { describe, expect, it } from 'vitest';
import { networksProblem, networksText, parseNetworks, tooManyNetworks } from './networks';

describe('networks as typed', () => {
  it('one per line, by commas, semicolons or spaces, trimmed, without blanks or repeats', () => {
    expect(parseNetworks('192.0.2.0/24\n 2001:db8::/48 \n\n')).toEqual(['192.0.2.0/24', '2001:db8::/48']);
    expect(parseNetworks('192.0.2.0/24, 198.51.100.7;203.0.113.0/24 192.0.2.0/24')).toEqual([
      '192.0.2.0/24',
      '198.51.100.7',
      '203.0.113.0/24',
    ]);
    expect(parseNetworks('  \n , ')).toEqual([]);
  });

  it('leave checking what each one is to the server: anything typed is passed on', () => {
    expect(parseNetworks('not-a-network\r\n10.0.0.0/8')).toEqual(['not-a-network', '10.0.0.0/8']);
  });

  it('come back one per line, and more than 20 is too many', () => {
    expect(networksText(['192.0.2.0/24', '2001:db8::/48'])).toBe('192.0.2.0/24\n2001:db8::/48');
    expect(parseNetworks(networksText(['192.0.2.0/24', '2001:db8::/48']))).toEqual(['192.0.2.0/24', '2001:db8::/48']);
    const many = Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`);
    expect(tooManyNetworks(many)).toBe(true);
    expect(tooManyNetworks(many.slice(1))).toBe(false);
  });

  it('are missing where required and none are given, invalid when too many or refused with some', () => {
    const many = Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`);
    expect(networksProblem([], false)).toBeUndefined();
    expect(networksProblem([], true)).toBe('missing');
    expect(networksProblem(many, false)).toBe('invalid');
    expect(networksProblem(['192.0.2.0/24'], true)).toBeUndefined();
    expect(networksProblem(['not-a-network'], false, true)).toBe('invalid');
    expect(networksProblem([], false, true)).toBe('missing');
  });
});
