import { describe, expect, it } from 'vitest';
import { createLinuxCensus } from './census.js';
import { EARLY_CENSUS_MAX_AGE_MS, EARLY_CENSUS_REQUEST, startEarlyCensus, takeEarlyCensus } from './early.js';
import { RECORD, type CensusNative, type NativeCensusRequest } from './native-census.js';

/** An addon double counting its census calls; each call answers a fresh buffer (or what `answer` makes). */
function fakeAddon(answer: () => Promise<ArrayBuffer> = async () => new ArrayBuffer(RECORD.size)) {
  const calls: NativeCensusRequest[] = [];
  const addon = {
    censusRecordSize: RECORD.size,
    census: (request: NativeCensusRequest) => {
      calls.push(request);
      return answer();
    },
  } as unknown as CensusNative;
  return { addon, calls };
}

const plain = (): NativeCensusRequest => ({ tcp: true, udp: true, v4: true, v6: true, aggregate: true });

describe('early census (started before the program loads, taken by the backend)', () => {
  it('starts the usage census once and hands that same dump to an equal request, once', async () => {
    const { addon, calls } = fakeAddon();
    expect(startEarlyCensus(addon, 1000)).toBe(true);
    expect(calls).toEqual([EARLY_CENSUS_REQUEST]);
    const taken = takeEarlyCensus(addon, plain(), 1001);
    expect(taken).toBeInstanceOf(Promise);
    expect(await taken).toBeInstanceOf(ArrayBuffer);
    expect(takeEarlyCensus(addon, plain(), 1002)).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['another namespace', { ...plain(), netns: '/run/netns/x' }],
    ['with owners', { ...plain(), owners: true }],
    ['TCP only', { ...plain(), udp: false }],
    ['IPv4 only', { ...plain(), v6: false }],
    ['the socket list, not the counts', { ...plain(), aggregate: undefined }],
    ['with a field the early request lacks', { ...plain(), states: 1 } as NativeCensusRequest],
  ])('is not taken by a different request (%s), and is dropped', (_name, request) => {
    const { addon } = fakeAddon();
    startEarlyCensus(addon, 0);
    expect(takeEarlyCensus(addon, request, 1)).toBeUndefined();
    expect(takeEarlyCensus(addon, plain(), 2)).toBeUndefined();
  });

  it('is not taken by another addon, nor once older than its limit', () => {
    const first = fakeAddon().addon;
    startEarlyCensus(first, 0);
    expect(takeEarlyCensus(fakeAddon().addon, plain(), 1)).toBeUndefined();
    startEarlyCensus(first, 0);
    expect(takeEarlyCensus(first, plain(), EARLY_CENSUS_MAX_AGE_MS + 1)).toBeUndefined();
  });

  it('starts nothing without an addon census (JS fallback, older addon) or when the addon throws', () => {
    expect(startEarlyCensus(null)).toBe(false);
    expect(startEarlyCensus({ readPortRange: () => 0 })).toBe(false);
    expect(startEarlyCensus({ census: () => Promise.resolve(new ArrayBuffer(0)), censusRecordSize: 12 })).toBe(false);
    const throwing = fakeAddon(() => {
      throw new TypeError('refused');
    }).addon;
    expect(startEarlyCensus(throwing)).toBe(false);
    expect(takeEarlyCensus(throwing, plain())).toBeUndefined();
  });

  it('a failed dump reaches its taker, and is no unhandled rejection meanwhile', async () => {
    const failure = Object.assign(new Error('EPERM'), { code: 'EPERM', syscall: 'socket' });
    const { addon } = fakeAddon(() => Promise.reject(failure));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      startEarlyCensus(addon, 0);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(takeEarlyCensus(addon, plain(), 1)).rejects.toBe(failure);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("the backend's counting census takes it (one dump in all); its socket list and other namespaces do their own", async () => {
    const { addon, calls } = fakeAddon(async () => new ArrayBuffer(0));
    const census = createLinuxCensus(addon);
    startEarlyCensus(addon);
    const counted = await census({ aggregate: true });
    expect(counted.source).toBe('netlink:sock_diag');
    expect(calls).toHaveLength(1);
    startEarlyCensus(addon);
    await census({ aggregate: true, netns: '/proc/self/ns/net' });
    expect(calls).toHaveLength(3);
    await census({ aggregate: true });
    expect(calls).toHaveLength(4);
  });
});
