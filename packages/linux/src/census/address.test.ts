import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isIPv6 } from 'node:net';
import { formatIPv4, formatIPv6 } from './address.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const v6 = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

describe('address formatting', () => {
  it('formats IPv4 from network-order bytes', () => {
    expect(formatIPv4(bytes(0, 0, 127, 0, 0, 1), 2)).toBe('127.0.0.1');
  });

  it('formats IPv6 per RFC 5952', () => {
    expect(formatIPv6(v6('00000000000000000000000000000001'), 0)).toBe('::1');
    expect(formatIPv6(v6('00000000000000000000000000000000'), 0)).toBe('::');
    expect(formatIPv6(v6('20010db8000000000001000000000001'), 0)).toBe('2001:db8::1:0:0:1'); // first longest run wins
    expect(formatIPv6(v6('20010db8000100000001000100010001'), 0)).toBe('2001:db8:1:0:1:1:1:1'); // a single zero is not compressed
    expect(formatIPv6(v6('fe800000000000000000000000000abc'), 0)).toBe('fe80::abc');
    expect(formatIPv6(v6('00000000000000000000ffff7f000001'), 0)).toBe('::ffff:127.0.0.1');
  });

  it('produces the same address that WHATWG URL parsing canonicalises (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const text = formatIPv6(raw, 0);
        expect(isIPv6(text)).toBe(true);
        const full = Array.from({ length: 8 }, (_, i) => ((raw[2 * i]! << 8) | raw[2 * i + 1]!).toString(16)).join(':');
        expect(new URL(`http://[${text}]/`).hostname).toBe(new URL(`http://[${full}]/`).hostname);
      }),
      { numRuns: 500 },
    );
  });
});
