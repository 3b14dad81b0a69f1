import { describe, expect, it } from 'vitest';
import { canonicalAddress, throttleAddress } from './client-address.js';

describe('canonicalAddress', () => {
  it.each([
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['192.0.2.7', '192.0.2.7'],
    ['::1', '::1'],
  ])('writes %s as %s', (input, canonical) => {
    expect(canonicalAddress(input)).toBe(canonical);
  });

  it.each([['unknown'], ['127.1'], ['0x7f.0.0.1'], ['999.1.1.1'], ['1.2.3.4:80'], [''], ['2001:db8::1::2']])(
    'finds no address in %j',
    (input) => {
      expect(canonicalAddress(input)).toBeNull();
    },
  );
});

describe('throttleAddress', () => {
  it('keeps IPv4 as it is and counts IPv6 per /64', () => {
    expect(throttleAddress('192.0.2.7')).toBe('192.0.2.7');
    expect(throttleAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8:1:2::')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('::1')).toBe('::/64');
    expect(throttleAddress(null)).toBe('unknown');
  });
});
