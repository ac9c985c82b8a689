import { describe, expect, it } from 'vitest';
import { PortSet, portRange } from '../range.js';
import { LINUX_TIME_WAIT_SECONDS, connectionCapacity, sustainableConnectionRate, timeToExhaustion } from './capacity.js';

describe('connectionCapacity', () => {
  it('is range − reserved − bound', () => {
    const c = connectionCapacity({
      range: portRange(32_768, 60_999),
      reserved: PortSet.of({ low: 40_000, high: 40_099 }, { low: 80, high: 80 }),
      bound: PortSet.fromPorts([50_000, 40_050, 8080]),
    });
    // 28 232 − 100 reserved inside − 1 bound outside the reserved block (40 050 is already reserved; 8080 is outside).
    expect(c).toEqual({ rangePorts: 28_232, usablePorts: 28_131, guaranteed: 28_131 });
  });

  it('loses one guaranteed port on Linux when the range size is odd and both ends are usable', () => {
    expect(connectionCapacity({ range: portRange(1025, 1125) })).toEqual({ rangePorts: 101, usablePorts: 101, guaranteed: 100 });
    expect(connectionCapacity({ range: portRange(1025, 1125), reserved: PortSet.fromPorts([1125]) }).guaranteed).toBe(100);
    expect(connectionCapacity({ range: portRange(1025, 1125), model: 'generic' }).guaranteed).toBe(101);
    expect(connectionCapacity({ range: portRange(5000, 5000) }).guaranteed).toBe(1);
  });

  it.each([
    ['an inverted range', { range: { low: 3, high: 1 } }, 'ERR_OUT_OF_RANGE'],
    ['an array as reserved', { range: portRange(1, 2), reserved: [1] }, 'ERR_INVALID_ARG_TYPE'],
    ['an unknown model', { range: portRange(1, 2), model: 'x' }, 'ERR_INVALID_ARG_VALUE'],
    ['null', null, 'ERR_INVALID_ARG_TYPE'],
  ])('rejects %s with %s', (_, input, code) => {
    expect(() => connectionCapacity(input as never)).toThrow(expect.objectContaining({ code }));
  });
});

describe('sustainableConnectionRate', () => {
  it('is capacity / (TIME_WAIT + connection time), TIME_WAIT defaulting to 60 s', () => {
    expect(LINUX_TIME_WAIT_SECONDS).toBe(60);
    expect(sustainableConnectionRate({ capacity: 28_232 })).toBeCloseTo(470.53, 2);
    expect(sustainableConnectionRate({ capacity: 1000, timeWaitSeconds: 30, connectionSeconds: 20 })).toBe(20);
  });

  it('rejects a zero hold time and bad numbers', () => {
    expect(() => sustainableConnectionRate({ capacity: 10, timeWaitSeconds: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => sustainableConnectionRate({ capacity: -1 })).toThrow(RangeError);
    expect(() => sustainableConnectionRate({ capacity: 10, timeWaitSeconds: NaN })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => sustainableConnectionRate({ capacity: '10' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('timeToExhaustion', () => {
  it('is free / rate above the sustainable rate and Infinity at or below it', () => {
    expect(timeToExhaustion({ capacity: 28_232, rate: 1000 })).toBeCloseTo(28.232, 6);
    expect(timeToExhaustion({ capacity: 6000, rate: 100 })).toBe(Infinity); // exactly 6000 / 60
    expect(timeToExhaustion({ capacity: 6000, rate: 100.5 })).toBeCloseTo(59.70, 2);
    expect(timeToExhaustion({ capacity: 6000, rate: 0 })).toBe(Infinity);
  });

  it('counts ports already in use and returns 0 when none is free', () => {
    expect(timeToExhaustion({ capacity: 1000, inUse: 400, rate: 100 })).toBe(6);
    expect(timeToExhaustion({ capacity: 1000, inUse: 1000, rate: 1 })).toBe(0);
    expect(timeToExhaustion({ capacity: 1000, inUse: 400, rate: 5 })).toBe(Infinity); // 5 × 60 = 300 ≤ 600 free
  });

  it('rejects bad rates and inUse', () => {
    for (const extra of [{ rate: -1 }, { rate: Infinity }, { rate: 1, inUse: 1.5 }]) {
      expect(() => timeToExhaustion({ capacity: 10, ...extra } as never)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
  });
});
