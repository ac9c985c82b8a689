import { describe, expect, it } from 'vitest';
import { metricSamples } from './prometheus-json.js';

describe('metricSamples (metrics --json)', () => {
  it('reads each sample with its family\'s help and type, label escapes undone', () => {
    const text = [
      '# HELP ephemeral_ports_x Some help.',
      '# TYPE ephemeral_ports_x gauge',
      'ephemeral_ports_x{a="1",b="q\\"uo\\\\te\\nx"} 3.5',
      'ephemeral_ports_x 1',
      '# HELP ephemeral_ports_y Other.',
      '# TYPE ephemeral_ports_y gauge',
      'ephemeral_ports_y NaN',
      '',
    ].join('\n');
    expect(metricSamples(text)).toEqual([
      { name: 'ephemeral_ports_x', labels: { a: '1', b: 'q"uo\\te\nx' }, value: 3.5, help: 'Some help.', type: 'gauge' },
      { name: 'ephemeral_ports_x', labels: {}, value: 1, help: 'Some help.', type: 'gauge' },
      { name: 'ephemeral_ports_y', labels: {}, value: 'NaN', help: 'Other.', type: 'gauge' },
    ]);
  });

  it('refuses a line it cannot read (a bug: ERR_EPHEMERAL_INTERNAL)', () => {
    expect(() => metricSamples('what is this\n')).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_INTERNAL' }));
  });
});
