import { describe, expect, it } from 'vitest';
import type { KernelConstraints } from './backend.js';
import type { TargetOs } from './platform.js';
import { EphemeralPortsError } from './errors.js';
import { PortSet } from './range.js';
import { assertValidPortList, assertValidRange, validateRange } from './validate.js';

interface Row {
  os: TargetOs;
  input: unknown;
  constraints?: KernelConstraints;
  /** Expected error codes, in order; [] = valid. */
  errors: string[];
  warnings?: string[];
  /** Fields the errors are about, in order (undefined where none). */
  fields?: (string | undefined)[];
}

const AIX_LIMITS: KernelConstraints = {
  tunableLimits: { low: { min: 1024, max: 65535 }, high: { min: 1024, max: 65535 } },
};

const table: [string, Row][] = [
  // Linux: 1..65535, low ≤ high, low ≥ ip_unprivileged_port_start, equal parity warns
  ['linux default range', { os: 'linux', input: { low: 32768, high: 60999 }, errors: [] }],
  ['linux one-port range', { os: 'linux', input: { low: 40000, high: 40000 }, errors: [] }],
  ['linux full 1024-65535', { os: 'linux', input: { low: 1024, high: 65535 }, errors: [] }],
  [
    'linux equal parity (both even)',
    { os: 'linux', input: { low: 32768, high: 61000 }, errors: [], warnings: ['RANGE_EQUAL_PARITY'] },
  ],
  [
    'linux equal parity (both odd)',
    { os: 'linux', input: { low: 32769, high: 60999 }, errors: [], warnings: ['RANGE_EQUAL_PARITY'] },
  ],
  [
    'linux below the default unprivileged start',
    { os: 'linux', input: { low: 1023, high: 60999 }, errors: ['RANGE_BELOW_UNPRIVILEGED_START'], fields: ['low'] },
  ],
  [
    'linux below a raised unprivileged start',
    {
      os: 'linux',
      input: { low: 2000, high: 60999 },
      constraints: { unprivilegedPortStart: 4096 },
      errors: ['RANGE_BELOW_UNPRIVILEGED_START'],
    },
  ],
  [
    'linux low start allowed by a lowered unprivileged start',
    { os: 'linux', input: { low: 500, high: 60999 }, constraints: { unprivilegedPortStart: 0 }, errors: [] },
  ],
  [
    'linux port 0 is out of bounds even with unprivileged start 0',
    {
      os: 'linux',
      input: { low: 0, high: 60999 },
      constraints: { unprivilegedPortStart: 0 },
      errors: ['RANGE_OUT_OF_BOUNDS'],
      fields: ['low'],
    },
  ],
  [
    'linux above 65535',
    { os: 'linux', input: { low: 32768, high: 65536 }, errors: ['RANGE_OUT_OF_BOUNDS'], fields: ['high'] },
  ],
  ['linux inverted', { os: 'linux', input: { low: 60000, high: 50000 }, errors: ['RANGE_INVERTED'] }],
  [
    'linux reports every violation at once',
    {
      os: 'linux',
      input: { low: 70000, high: 0 },
      errors: ['RANGE_OUT_OF_BOUNDS', 'RANGE_OUT_OF_BOUNDS', 'RANGE_INVERTED'],
      fields: ['low', 'high', undefined],
    },
  ],
  [
    'linux no parity warning on an invalid range',
    { os: 'linux', input: { low: 100, high: 200 }, errors: ['RANGE_BELOW_UNPRIVILEGED_START'], warnings: [] },
  ],

  // FreeBSD / macOS: reject what the kernel would clamp to 1024..65535
  ['freebsd current default', { os: 'freebsd', input: { low: 10000, high: 65535 }, errors: [] }],
  ['freebsd lowest allowed', { os: 'freebsd', input: { low: 1024, high: 1025 }, errors: [] }],
  // in_pcb_lport_dest() divides by (last - first) with randomization on; XNU turns randomization off for one port
  ['freebsd one port', { os: 'freebsd', input: { low: 40000, high: 40000 }, errors: ['RANGE_ONE_PORT'], fields: ['high'] }],
  ['darwin one port', { os: 'darwin', input: { low: 40000, high: 40000 }, errors: [] }],
  [
    'freebsd below 1024 would clamp',
    { os: 'freebsd', input: { low: 1023, high: 65535 }, errors: ['RANGE_WOULD_CLAMP'], fields: ['low'] },
  ],
  [
    'freebsd above 65535 would clamp',
    { os: 'freebsd', input: { low: 10000, high: 65536 }, errors: ['RANGE_WOULD_CLAMP'], fields: ['high'] },
  ],
  [
    'freebsd inverted is refused (we write ordered pairs)',
    { os: 'freebsd', input: { low: 2000, high: 1500 }, errors: ['RANGE_INVERTED'] },
  ],
  ['freebsd equal parity is fine', { os: 'freebsd', input: { low: 2000, high: 3000 }, errors: [], warnings: [] }],
  ['darwin default', { os: 'darwin', input: { low: 49152, high: 65535 }, errors: [] }],
  [
    'darwin both ends would clamp',
    {
      os: 'darwin',
      input: { low: 80, high: 70000 },
      errors: ['RANGE_WOULD_CLAMP', 'RANGE_WOULD_CLAMP'],
      fields: ['low', 'high'],
    },
  ],

  // AIX: limits from `no -x` when known
  ['aix default with limits', { os: 'aix', input: { low: 32768, high: 65535 }, constraints: AIX_LIMITS, errors: [] }],
  [
    'aix low under the tunable min',
    {
      os: 'aix',
      input: { low: 1000, high: 65535 },
      constraints: AIX_LIMITS,
      errors: ['RANGE_OUT_OF_TUNABLE_BOUNDS'],
      fields: ['low'],
    },
  ],
  [
    'aix high above a narrower tunable max',
    {
      os: 'aix',
      input: { low: 32768, high: 65535 },
      constraints: { tunableLimits: { low: { min: 1024, max: 65535 }, high: { min: 1024, max: 65000 } } },
      errors: ['RANGE_OUT_OF_TUNABLE_BOUNDS'],
      fields: ['high'],
    },
  ],
  [
    'aix inverted',
    { os: 'aix', input: { low: 40000, high: 39999 }, constraints: AIX_LIMITS, errors: ['RANGE_INVERTED'] },
  ],
  ['aix without limits: 1..65535', { os: 'aix', input: { low: 1, high: 65535 }, errors: [] }],
  [
    'aix without limits: 0 is out of bounds',
    { os: 'aix', input: { low: 0, high: 65535 }, errors: ['RANGE_OUT_OF_BOUNDS'], fields: ['low'] },
  ],

  // Windows: start ≥ 1025, count ≥ 255, end ≤ 65535
  ['win32 default', { os: 'win32', input: { low: 49152, high: 65535 }, errors: [] }],
  ['win32 lowest start with exactly 255 ports', { os: 'win32', input: { low: 1025, high: 1279 }, errors: [] }],
  [
    'win32 start 1024',
    { os: 'win32', input: { low: 1024, high: 65535 }, errors: ['RANGE_START_TOO_LOW'], fields: ['low'] },
  ],
  ['win32 254 ports', { os: 'win32', input: { low: 10000, high: 10253 }, errors: ['RANGE_TOO_FEW_PORTS'] }],
  [
    'win32 end above 65535',
    { os: 'win32', input: { low: 65400, high: 65790 }, errors: ['RANGE_END_TOO_HIGH'], fields: ['high'] },
  ],
  [
    'win32 inverted (no count error too)',
    { os: 'win32', input: { low: 20000, high: 10000 }, errors: ['RANGE_INVERTED'] },
  ],
  [
    'win32 several at once',
    { os: 'win32', input: { low: 1000, high: 1100 }, errors: ['RANGE_START_TOO_LOW', 'RANGE_TOO_FEW_PORTS'] },
  ],

  // shape, for every OS
  ['not an object', { os: 'linux', input: '32768-60999', errors: ['RANGE_NOT_OBJECT'] }],
  ['null', { os: 'darwin', input: null, errors: ['RANGE_NOT_OBJECT'] }],
  ['an array', { os: 'aix', input: [1, 2], errors: ['RANGE_NOT_OBJECT'] }],
  [
    'fractional and string ends',
    {
      os: 'win32',
      input: { low: 1.5, high: '9' },
      errors: ['RANGE_NOT_INTEGER', 'RANGE_NOT_INTEGER'],
      fields: ['low', 'high'],
    },
  ],
  ['missing high', { os: 'freebsd', input: { low: 1 }, errors: ['RANGE_NOT_INTEGER'], fields: ['high'] }],
  ['NaN', { os: 'linux', input: { low: Number.NaN, high: 2 }, errors: ['RANGE_NOT_INTEGER'] }],
];

describe('validateRange (table)', () => {
  it.each(table)('%s', (_name, row) => {
    const result = validateRange(row.os, row.input, row.constraints);
    expect(result.errors.map((d) => d.code)).toEqual(row.errors);
    expect(result.ok).toBe(row.errors.length === 0);
    if (row.warnings) expect(result.warnings.map((d) => d.code)).toEqual(row.warnings);
    if (row.fields) expect(result.errors.map((d) => d.field)).toEqual(row.fields);
    for (const d of [...result.errors, ...result.warnings]) {
      expect(d.message.length).toBeGreaterThan(10);
    }
    expect(result.errors.every((d) => d.severity === 'error')).toBe(true);
    expect(result.warnings.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('names the unprivileged start in the message', () => {
    const { errors } = validateRange('linux', { low: 2000, high: 3001 }, { unprivilegedPortStart: 4096 });
    expect(errors[0]!.message).toMatch(/ip_unprivileged_port_start \(4096\)/);
  });

  it('an unknown OS from untyped callers is an error, not a pass', () => {
    const result = validateRange('plan9' as TargetOs, { low: 1, high: 2 });
    expect(result.ok).toBe(false);
    expect(result.errors[0]!.code).toBe('RANGE_UNKNOWN_OS');
  });
});

describe('assertValidRange', () => {
  it('returns a frozen copy of a valid range, dropping extra fields', () => {
    const input = { low: 49152, high: 65535, extra: 1 };
    const r = assertValidRange('linux', input);
    expect(r).toEqual({ low: 49152, high: 65535 });
    expect(Object.isFrozen(r)).toBe(true);
    expect(r).not.toBe(input);
  });

  it('throws ERR_EPHEMERAL_INVALID_RANGE carrying every violation', () => {
    try {
      assertValidRange('win32', { low: 1000, high: 1100 });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(EphemeralPortsError);
      const err = e as EphemeralPortsError;
      expect(err.code).toBe('ERR_EPHEMERAL_INVALID_RANGE');
      expect(err.violations?.map((v) => v.code)).toEqual(['RANGE_START_TOO_LOW', 'RANGE_TOO_FEW_PORTS']);
      expect(err.message).toMatch(/win32/);
    }
  });

  it('does not throw on a parity warning', () => {
    expect(assertValidRange('linux', { low: 32768, high: 61000 })).toEqual({ low: 32768, high: 61000 });
  });
});

describe('assertValidPortList', () => {
  it('normalizes numbers and ranges into a PortSet', () => {
    const set = assertValidPortList([10, { low: 2, high: 4 }, 1, { low: 5, high: 5 }]);
    expect(set.toString()).toBe('1-5,10');
  });

  it('passes a PortSet through and accepts an empty list', () => {
    const set = PortSet.of({ low: 8000, high: 8100 });
    expect(assertValidPortList(set)).toBe(set);
    expect(assertValidPortList([]).isEmpty).toBe(true);
  });

  const bad: [string, unknown, string[]][] = [
    ['not an array', '1,2', ['PORTS_NOT_ARRAY']],
    ['a bad entry', [80, 'x'], ['PORTS_BAD_ENTRY']],
    ['out of bounds', [65536, { low: -1, high: 2 }], ['PORTS_BAD_ENTRY', 'PORTS_BAD_ENTRY']],
    ['inverted entry', [{ low: 9, high: 3 }], ['PORTS_BAD_ENTRY']],
  ];
  it.each(bad)('%s → ERR_EPHEMERAL_INVALID_PORT_LIST', (_name, input, codes) => {
    try {
      assertValidPortList(input, 'reserved ports');
      expect.unreachable('should have thrown');
    } catch (e) {
      const err = e as EphemeralPortsError;
      expect(err.code).toBe('ERR_EPHEMERAL_INVALID_PORT_LIST');
      expect(err.violations?.map((v) => v.code)).toEqual(codes);
      expect(err.message).toMatch(/^invalid reserved ports: /);
    }
  });

  it('refuses the holes of a sparse array instead of skipping them', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [80, , 443];
    expect(() => assertValidPortList(sparse)).toThrow(/entry 1: undefined is not a port/);
  });

  it('names the entry index in each violation', () => {
    try {
      assertValidPortList([1, 2, 'three']);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect((e as EphemeralPortsError).violations?.[0]?.field).toBe('2');
    }
  });

  it('refuses an absurdly long list without scanning it', () => {
    const huge = new Array(65_537).fill(1);
    expect(() => assertValidPortList(huge)).toThrow(/at most 65536/);
  });
});
