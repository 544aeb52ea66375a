import { describe, expect, it } from 'vitest';
import { parseIpv6, truncateIpv4, truncateIpv6 } from './ip-address';

describe('truncateIpv4', () => {
  it.each([
    ['192.168.1.77', '192.168.1.0/24'],
    ['8.8.8.8', '8.8.8.0/24'],
    ['255.255.255.255', '255.255.255.0/24'],
    ['256.1.1.1', null],
    ['01.2.3.4', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
  ])('%s → %s', (text, expected) => {
    expect(truncateIpv4(text)).toBe(expected);
  });
});

describe('truncateIpv6', () => {
  it.each([
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8:85a3::/48'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3::/48'],
    ['fe80::1', 'fe80:0:0::/48'],
    ['::1', '0:0:0::/48'],
    ['::ffff:192.0.2.1', '0:0:0::/48'],
    ['2001:db8::', '2001:db8:0::/48'],
    ['12:30:45', null],
    ['00:1a:2b:3c:4d:5e', null],
    ['1::2::3', null],
    ['2001:db8:85a3:0:0:8a2e:370:7334:1', null],
    ['gggg::1', null],
    [':::', null],
  ])('%s → %s', (text, expected) => {
    expect(truncateIpv6(text)).toBe(expected);
  });

  it('expands "::" to the missing zero groups', () => {
    expect(parseIpv6('1:2::7:8')).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
  });
});
