import { afterEach, describe, expect, it } from 'vitest';
import { checkPort, clearLockedPorts, getFreePort, heldPorts, reservePorts } from './index.js';
import { normalizeOptions } from './options.js';

const invalid = expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' });

describe('free-port options', () => {
  afterEach(() => void clearLockedPorts());

  it.each([
    ['options not an object', 'x'],
    ['port out of range', { port: 70_000 }],
    ['port not an integer', { port: 1.5 }],
    ['port list with a bad entry', { port: [3000, -1] }],
    ['port a string', { port: '3000' }],
    ['exclude not iterable', { exclude: 5 }],
    ['exclude with a bad entry', { exclude: [1, 'x'] }],
    ['protocol unknown', { protocol: 'sctp' }],
    ['host empty', { host: '' }],
    ['addresses unknown', { addresses: 'some' }],
    ['range inverted', { range: { low: 5000, high: 4000 } }],
    ['range not a range', { range: [1, 2] }],
    ['avoid not an object', { avoid: true }],
    ['avoid.ephemeral not boolean', { avoid: { ephemeral: 'no' } }],
    ['avoid.ports with a bad range', { avoid: { ports: [{ low: 9, high: 1 }] } }],
    ['hold not boolean', { hold: 1 }],
    ['reserve not boolean', { reserve: 'yes' }],
    ['leaseMs negative', { leaseMs: -1 }],
    ['order unknown', { order: 'sideways' }],
    ['seed not an integer', { seed: 0.5 }],
    ['onReject not a function', { onReject: 1 }],
  ])('%s → ERR_INVALID_ARGUMENT, nothing locked', async (_, options) => {
    await expect(getFreePort(options as never)).rejects.toThrow(invalid);
    expect(heldPorts()).toEqual([]);
  });

  it('reservePorts refuses a bad count and locks nothing', async () => {
    for (const count of [0, -1, 1.5, 70_000, Number.NaN]) await expect(reservePorts(count)).rejects.toThrow(invalid);
    expect(heldPorts()).toEqual([]);
  });

  it('checkPort refuses a non-port', async () => {
    await expect(checkPort(65_536)).rejects.toThrow(invalid);
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
