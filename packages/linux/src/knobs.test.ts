import { describe, expect, it } from 'vitest';
import { PortSet } from '@ephemeral-ports/core';
import {
  formatRangeText,
  formatReservedText,
  parseRangeText,
  parseReservedText,
  parseUnprivilegedStartText,
} from './knobs.js';

describe('procfs text formats', () => {
  it('parses the range as the kernel prints it (TAB, newline) and as people write it', () => {
    expect(parseRangeText('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parseRangeText(' 1024   65535 ')).toEqual({ low: 1024, high: 65535 });
    expect(formatRangeText({ low: 49152, high: 65535 })).toBe('49152 65535\n');
  });

  it.each(['', '32768', '32768\t60999\t1', 'a b', '70000 80000', '-1 5', '5 3'])('refuses range text %j', (text) => {
    expect(() => parseRangeText(text)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_/) }));
  });

  it('parses and formats reserved lists, including the empty list', () => {
    expect(parseReservedText('\n').isEmpty).toBe(true);
    const set = parseReservedText('1,2-4,10-10,8000-8100\n');
    expect(set.toString()).toBe('1-4,10,8000-8100');
    expect(formatReservedText(set)).toBe('1-4,10,8000-8100\n');
    expect(formatReservedText(PortSet.EMPTY)).toBe('\n');
    expect(() => parseReservedText('1 2')).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
  });

  it('parses ip_unprivileged_port_start', () => {
    expect(parseUnprivilegedStartText('1024\n')).toBe(1024);
    expect(parseUnprivilegedStartText('0\n')).toBe(0);
    expect(() => parseUnprivilegedStartText('99999\n')).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
  });
});
