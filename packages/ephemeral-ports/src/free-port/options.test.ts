import { afterEach, describe, expect, it } from 'vitest';
import { checkPort, clearLockedPorts, getFreePort, heldPorts, reservePorts } from './index.js';
import { normalizeOptions } from './options.js';

const typeError = (code: string) => expect.objectContaining({ name: 'TypeError', code });
const rangeError = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
const ARG_TYPE = typeError('ERR_INVALID_ARG_TYPE');
const ARG_VALUE = typeError('ERR_INVALID_ARG_VALUE');

describe('free-port options', () => {
  afterEach(() => void clearLockedPorts());

  it.each([
    ['options not an object', 'x', ARG_TYPE, TypeError],
    ['port out of range', { port: 70_000 }, rangeError, RangeError],
    ['port not an integer', { port: 1.5 }, rangeError, RangeError],
    ['port list with a bad entry', { port: [3000, -1] }, rangeError, RangeError],
    ['port a string', { port: '3000' }, ARG_TYPE, TypeError],
    ['exclude not iterable', { exclude: 5 }, ARG_TYPE, TypeError],
    ['exclude with a bad entry', { exclude: [1, 'x'] }, ARG_TYPE, TypeError],
    ['protocol unknown', { protocol: 'sctp' }, ARG_VALUE, TypeError],
    ['host empty', { host: '' }, ARG_VALUE, TypeError],
    ['host not a string', { host: 127 }, ARG_TYPE, TypeError],
    ['addresses unknown', { addresses: 'some' }, ARG_VALUE, TypeError],
    ['range inverted', { range: { low: 5000, high: 4000 } }, rangeError, RangeError],
    ['range not a range', { range: [1, 2] }, ARG_TYPE, TypeError],
    ['range end not a port', { range: { low: 1, high: 70_000 } }, rangeError, RangeError],
    ['avoid not an object', { avoid: true }, ARG_TYPE, TypeError],
    ['avoid.ephemeral not boolean', { avoid: { ephemeral: 'no' } }, ARG_TYPE, TypeError],
    ['avoid.ports with a bad range', { avoid: { ports: [{ low: 9, high: 1 }] } }, rangeError, RangeError],
    ['hold not boolean', { hold: 1 }, ARG_TYPE, TypeError],
    ['reserve not boolean', { reserve: 'yes' }, ARG_TYPE, TypeError],
    ['leaseMs negative', { leaseMs: -1 }, rangeError, RangeError],
    ['leaseMs a string', { leaseMs: '5' }, ARG_TYPE, TypeError],
    ['order unknown', { order: 'sideways' }, ARG_VALUE, TypeError],
    ['seed not an integer', { seed: 0.5 }, rangeError, RangeError],
    ['onReject not a function', { onReject: 1 }, ARG_TYPE, TypeError],
  ])('%s: the TypeError or RangeError Node would throw, nothing locked', async (_, options, shape, cls) => {
    const error = await getFreePort(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toEqual(shape);
    expect((error as Error).message).toMatch(/^The (value of )?"options/);
    expect(heldPorts()).toEqual([]);
  });

  it('reservePorts refuses a bad count and locks nothing', async () => {
    for (const count of [0, -1, 1.5, 70_000, Number.NaN]) await expect(reservePorts(count)).rejects.toThrow(rangeError);
    await expect(reservePorts('2' as never)).rejects.toThrow(ARG_TYPE);
    expect(heldPorts()).toEqual([]);
  });

  it('checkPort refuses a non-port', async () => {
    await expect(checkPort(65_536)).rejects.toThrow(rangeError);
    await expect(checkPort('80' as never)).rejects.toThrow(ARG_TYPE);
  });

  it('defaults: tcp, every kernel avoid-list on, 15 s lease, random order; 0 means no preference', () => {
    const n = normalizeOptions({ port: 0 });
    expect(n).toMatchObject({
      preferred: undefined,
      protocols: ['tcp'],
      avoid: { ephemeral: true, reserved: true, privileged: true },
      hold: false,
      leaseMs: 15_000,
      order: 'random',
    });
    expect(normalizeOptions({ protocol: 'both' }).protocols).toEqual(['tcp', 'udp']);
    expect(normalizeOptions({ host: '::1' }).plan).toEqual({ addresses: ['::1'], firstBoundSuffices: false });
    expect(normalizeOptions({ addresses: 'all' }).plan.addresses).toEqual(['::', '0.0.0.0', '127.0.0.1', '::1']);
  });

  it('preferred lists are read lazily and skip 0', () => {
    let pulled = 0;
    const lazy = (function* () {
      for (const p of [0, 3000, 3001]) {
        pulled++;
        yield p;
      }
    })();
    const n = normalizeOptions({ port: lazy });
    expect(pulled).toBe(0);
    expect([...n.preferred!]).toEqual([3000, 3001]);
  });
});
