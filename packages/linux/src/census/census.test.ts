import { describe, expect, it } from 'vitest';
import { aggregateSockets } from '@ephemeral-ports/core';
import { createLinuxCensus, NETLINK_SOURCE, PROCFS_SOURCE, validateCensusOptions } from './census.js';
import { decodeRecords } from './decode.js';
import { hasCensus, RECORD, type CensusNative, type NativeCensusRequest } from './native-census.js';

/** Builds addon records by hand, as native/linux/census_records.h lays them out. */
function records(rows: Array<{ protocol: 6 | 17; family: 4 | 6; state: number; lport: number; rport: number; local: number[]; remote: number[]; inode?: number; uid?: number }>): ArrayBuffer {
  const buf = new ArrayBuffer(rows.length * RECORD.size);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  rows.forEach((r, i) => {
    const o = i * RECORD.size;
    bytes[o + RECORD.protocol] = r.protocol;
    bytes[o + RECORD.family] = r.family;
    bytes[o + RECORD.state] = r.state;
    view.setUint16(o + RECORD.localPort, r.lport, true);
    view.setUint16(o + RECORD.remotePort, r.rport, true);
    view.setUint32(o + RECORD.inode, r.inode ?? 0, true);
    view.setUint32(o + RECORD.uid, r.uid ?? 0, true);
    bytes.set(r.local, o + RECORD.localAddress);
    bytes.set(r.remote, o + RECORD.remoteAddress);
  });
  return buf;
}

const LO6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/** An addon double: answers every request with `result`. */
function fakeNative(result: ArrayBuffer | Error, seen: NativeCensusRequest[] = []): CensusNative {
  return {
    censusRecordSize: RECORD.size,
    census: async (request) => {
      seen.push(request);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

/** An error as the addon rejects with (native/common/system_error.cc): errno negative, as Node's. */
const osError = (code: string, errno: number, syscall: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${syscall} failed (${code})`), { code, errno: -errno, syscall, ...extra });

describe('census record decoding', () => {
  it('decodes protocol, family, state names, ports, addresses, inode and uid', () => {
    const sockets = decodeRecords(
      records([
        { protocol: 6, family: 4, state: 10, lport: 8080, rport: 0, local: [127, 0, 0, 1], remote: [0, 0, 0, 0], inode: 42, uid: 1000 },
        { protocol: 6, family: 6, state: 6, lport: 40000, rport: 8080, local: LO6, remote: LO6 },
        { protocol: 6, family: 4, state: 7, lport: 50000, rport: 0, local: [10, 1, 2, 3], remote: [0, 0, 0, 0], inode: 7 },
        { protocol: 17, family: 4, state: 7, lport: 53, rport: 0, local: [0, 0, 0, 0], remote: [0, 0, 0, 0] },
        { protocol: 17, family: 6, state: 1, lport: 50001, rport: 53, local: LO6, remote: LO6 },
        { protocol: 6, family: 4, state: 12, lport: 8080, rport: 41000, local: [127, 0, 0, 1], remote: [127, 0, 0, 1] },
      ]),
    );
    expect(sockets).toEqual([
      { protocol: 'tcp', family: 4, state: 'LISTEN', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, inode: 42, uid: 1000 },
      { protocol: 'tcp', family: 6, state: 'TIME_WAIT', localAddress: '::1', localPort: 40000, remoteAddress: '::1', remotePort: 8080, inode: 0, uid: 0 },
      { protocol: 'tcp', family: 4, state: 'CLOSE', localAddress: '10.1.2.3', localPort: 50000, remoteAddress: '0.0.0.0', remotePort: 0, inode: 7, uid: 0 },
      { protocol: 'udp', family: 4, state: 'UNCONN', localAddress: '0.0.0.0', localPort: 53, remoteAddress: '0.0.0.0', remotePort: 0, inode: 0, uid: 0 },
      { protocol: 'udp', family: 6, state: 'ESTABLISHED', localAddress: '::1', localPort: 50001, remoteAddress: '::1', remotePort: 53, inode: 0, uid: 0 },
      { protocol: 'tcp', family: 4, state: 'NEW_SYN_RECV', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 41000, inode: 0, uid: 0 },
    ]);
  });

  it('recognises an addon with the census of this layout only', () => {
    expect(hasCensus(fakeNative(new ArrayBuffer(0)))).toBe(true);
    expect(hasCensus({ census: () => undefined, censusRecordSize: 40 })).toBe(false);
    expect(hasCensus({ sockDiagCensus: () => undefined, censusRecordSize: 48 })).toBe(false);
    expect(hasCensus({ readPortRange: () => 0 })).toBe(false);
    expect(hasCensus(null)).toBe(false);
  });
});

describe('createLinuxCensus', () => {
  it('passes protocols, families and the namespace; every entry carries its inode', async () => {
    const seen: NativeCensusRequest[] = [];
    const rows = records([{ protocol: 6, family: 4, state: 10, lport: 1, rport: 0, local: [0, 0, 0, 0], remote: [0, 0, 0, 0], inode: 9 }]);
    const census = createLinuxCensus(fakeNative(rows, seen));
    const result = await census({ protocols: ['udp'], families: [6], netns: '/proc/1/ns/net' });
    expect(result.source).toBe(NETLINK_SOURCE);
    expect(result.fallbackReason).toBeUndefined();
    expect(result.sockets).toHaveLength(1);
    expect(result.sockets[0]!.inode).toBe(9);
    expect(seen).toEqual([{ netns: '/proc/1/ns/net', tcp: false, udp: true, v4: false, v6: true }]);
    await census({ method: 'netlink' });
    expect(seen[1]).toEqual({ tcp: true, udp: true, v4: true, v6: true });
  });

  it('aggregate: asks the addon for counts; an addon that predates them answers with records, counted in JS', async () => {
    const seen: NativeCensusRequest[] = [];
    const rows = records([
      { protocol: 6, family: 4, state: 10, lport: 7000, rport: 0, local: [0, 0, 0, 0], remote: [0, 0, 0, 0], inode: 9 },
      { protocol: 6, family: 4, state: 1, lport: 40000, rport: 7000, local: [127, 0, 0, 1], remote: [127, 0, 0, 1] },
      { protocol: 6, family: 4, state: 1, lport: 7000, rport: 40000, local: [127, 0, 0, 1], remote: [127, 0, 0, 1] },
    ]);
    const result = await createLinuxCensus(fakeNative(rows, seen))({ aggregate: true });
    expect(seen).toEqual([{ tcp: true, udp: true, v4: true, v6: true, aggregate: true }]);
    expect(result.source).toBe(NETLINK_SOURCE);
    expect(result.aggregate).toEqual(aggregateSockets(decodeRecords(rows)));
    expect(result.aggregate!.outgoing.destinations).toEqual([{ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 7000 }]);
    expect(result.sockets).toHaveLength(3);
  });

  it('method procfs reads /proc/net without the addon and says so; netlink without an addon is a coded error', async () => {
    const seen: NativeCensusRequest[] = [];
    const viaProc = await createLinuxCensus(fakeNative(new ArrayBuffer(0), seen))({ method: 'procfs' });
    expect(viaProc).toMatchObject({ source: PROCFS_SOURCE, fallbackReason: 'method "procfs" was requested' });
    expect(seen).toEqual([]);
    await expect(createLinuxCensus(null, 'native addon not loaded: no prebuild')({ method: 'netlink' })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
      message: 'census method "netlink" is unavailable: native addon not loaded: no prebuild',
    });
  });

  it('method netlink never falls back: its failure is the answer, with a remedy that names the way out', async () => {
    const census = createLinuxCensus(fakeNative(osError('EPROTONOSUPPORT', 93, 'socket')));
    await expect(census({ method: 'netlink' })).rejects.toMatchObject({
      name: 'EphemeralPortsError',
      code: 'EPROTONOSUPPORT',
      errno: -93,
      syscall: 'socket',
      remedy: expect.stringContaining('method "procfs"'),
    });
  });

  it('auto falls back only where netlink is unavailable; other failures are the answer', async () => {
    for (const [code, errno, syscall] of [['EACCES', 13, 'socket'], ['ENOENT', 2, 'sock_diag']] as const) {
      const result = await createLinuxCensus(fakeNative(osError(code, errno, syscall)))({ protocols: ['tcp'] });
      expect(result).toMatchObject({ source: PROCFS_SOURCE, fallbackReason: `sock_diag unavailable: ${code} from ${syscall}` });
    }
    await expect(createLinuxCensus(fakeNative(osError('ENOBUFS', 105, 'recv')))()).rejects.toMatchObject({ code: 'ENOBUFS', syscall: 'recv' });
    // A condition from the addon keeps its code and gets no errno.
    const truncated = Object.assign(new Error('recv: a batch did not fit'), { code: 'ERR_EPHEMERAL_INTERNAL', syscall: 'recv' });
    const error = await createLinuxCensus(fakeNative(truncated))().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_INTERNAL', syscall: 'recv' });
    expect((error as { errno?: number }).errno).toBeUndefined();
    // An addon error without a code is a bug: ERR_EPHEMERAL_INTERNAL, never an invented errno.
    await expect(createLinuxCensus(fakeNative(new Error('boom')))()).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_INTERNAL' });
  });

  it('falls back to /proc/net, saying why, when the kernel has no usable sock_diag', async () => {
    const census = createLinuxCensus(fakeNative(osError('EPROTONOSUPPORT', 93, 'socket')));
    const result = await census({ protocols: ['tcp'] });
    expect(result.source).toBe(PROCFS_SOURCE);
    expect(result.fallbackReason).toBe('sock_diag unavailable: EPROTONOSUPPORT from socket');
    expect(Array.isArray(result.sockets)).toBe(true);
  });

  it('falls back when no addon is loaded, with the loader reason', async () => {
    const result = await createLinuxCensus(null, 'native addon not loaded: no prebuild')();
    expect(result).toMatchObject({ source: PROCFS_SOURCE, fallbackReason: 'native addon not loaded: no prebuild' });
  });

  it('throws namespace errors as coded OS errors with the namespace remedy, instead of listing the wrong namespace', async () => {
    const census = createLinuxCensus(fakeNative(osError('EPERM', 1, 'setns', { path: '/run/netns/x' })));
    await expect(census({ netns: '/run/netns/x' })).rejects.toMatchObject({
      code: 'EPERM',
      errno: -1,
      syscall: 'setns',
      path: '/run/netns/x',
      remedy: expect.stringContaining('CAP_SYS_ADMIN'),
    });
    const missing = createLinuxCensus(fakeNative(osError('ENOENT', 2, 'open', { path: '/run/netns/gone' })));
    await expect(missing({ netns: '/run/netns/gone' })).rejects.toMatchObject({ code: 'ENOENT', remedy: expect.stringContaining('/run/netns/<name>') });
  });

  it('rejects bad options with TypeError/RangeError codes before touching the kernel', async () => {
    const seen: NativeCensusRequest[] = [];
    const census = createLinuxCensus(fakeNative(new ArrayBuffer(0), seen));
    const cases: [unknown, string][] = [
      [{ protocols: ['sctp'] }, 'ERR_INVALID_ARG_VALUE'],
      [{ protocols: 'tcp' }, 'ERR_INVALID_ARG_TYPE'],
      [{ families: [5] }, 'ERR_INVALID_ARG_VALUE'],
      [{ netns: 'relative/path' }, 'ERR_INVALID_ARG_VALUE'],
      [{ netns: 42 }, 'ERR_INVALID_ARG_TYPE'],
      [{ processes: 'yes' }, 'ERR_INVALID_ARG_TYPE'],
      [{ aggregate: 1 }, 'ERR_INVALID_ARG_TYPE'],
      [{ method: 'bpf' }, 'ERR_INVALID_ARG_VALUE'],
      [42, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [bad, code] of cases) {
      const error = await census(bad as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code });
    }
    expect(seen).toEqual([]);
    expect(validateCensusOptions(undefined)).toEqual({});
  });
});
