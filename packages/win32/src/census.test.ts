import { isEphemeralPortsError } from '@ephemeral-ports/core';
import { describe, expect, it } from 'vitest';
import { takeCensus, tcpState, toSocketEntry } from './census.js';
import type { NativeSocketRow, Win32NativeBinding } from './native.js';
import { toWin32Error } from './win-error.js';

const row = (state: number, lp: number, ra = '0.0.0.0', rp = 0, pid = 0): NativeSocketRow => ({
  state,
  localAddress: '127.0.0.1',
  localPort: lp,
  remoteAddress: ra,
  remotePort: rp,
  pid,
});

describe('census mapping (MIB rows → SocketEntry)', () => {
  it('maps MIB_TCP_STATE values and the hidden Bound state', () => {
    expect(tcpState(row(2, 80))).toBe('LISTEN');
    expect(tcpState(row(5, 50000, '127.0.0.1', 80))).toBe('ESTABLISHED');
    expect(tcpState(row(11, 50001, '10.0.0.1', 443))).toBe('TIME_WAIT');
    expect(tcpState(row(1, 50002))).toBe('BOUND');
    expect(tcpState({ ...row(1, 50002), remoteAddress: '::', localAddress: '::1' })).toBe('BOUND');
    expect(tcpState(row(1, 50003, '10.0.0.1', 443))).toBe('CLOSE');
    expect(tcpState(row(12, 50004, '10.0.0.1', 443))).toBe('CLOSE');
    expect(tcpState(row(100, 50005))).toBe('BOUND');
    expect(tcpState(row(99, 50006, '10.0.0.1', 1))).toBe('CLOSE');
  });

  it('UDP rows are UNCONN with a wildcard remote end; PIDs only when asked and known', () => {
    expect(toSocketEntry('udp', 6, { ...row(0, 5353, '', 0, 1234), localAddress: '::' }, true)).toEqual({
      protocol: 'udp',
      family: 6,
      state: 'UNCONN',
      localAddress: '::',
      localPort: 5353,
      remoteAddress: '::',
      remotePort: 0,
      pid: 1234,
    });
    expect(toSocketEntry('tcp', 4, row(2, 80, '0.0.0.0', 0, 1234), false).pid).toBeUndefined();
    expect(toSocketEntry('tcp', 4, row(11, 80, '10.0.0.1', 9, 0), true).pid).toBeUndefined();
  });

  it('asks the addon only for the requested protocols and families', () => {
    const asked: string[] = [];
    const native = {
      tcpTable: (f: 4 | 6) => (asked.push(`tcp${f}`), [row(2, 80)]),
      udpTable: (f: 4 | 6) => (asked.push(`udp${f}`), [row(0, 53, '', 0)]),
    } as unknown as Win32NativeBinding;
    const c = takeCensus(native, { protocols: ['udp'], families: [6] });
    expect(asked).toEqual(['udp6']);
    expect(c.sockets).toHaveLength(1);
    expect(c.source).toBe('iphlpapi:GetExtendedTcpTable/GetExtendedUdpTable');
    expect(() => takeCensus(native, { protocols: ['sctp' as 'tcp'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }),
    );
    expect(() => takeCensus(native, { families: 6 as unknown as [6] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' }),
    );
    expect(() => takeCensus(native, { netns: '/x' })).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' }));
  });

  it('turns addon errors into errno-coded errors (libuv\'s mapping) with winCode, syscall and remedy', () => {
    const native = {
      tcpTable: () => {
        throw Object.assign(new Error('GetExtendedTcpTable failed: ERROR_ACCESS_DENIED (5)'), {
          code: 'ERROR_ACCESS_DENIED',
          errno: 5,
          syscall: 'GetExtendedTcpTable',
        });
      },
      udpTable: () => [],
    } as unknown as Win32NativeBinding;
    let caught: unknown;
    try {
      takeCensus(native);
    } catch (e) {
      caught = e;
    }
    expect(isEphemeralPortsError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'EACCES',
      errno: -4092,
      winCode: 'ERROR_ACCESS_DENIED',
      syscall: 'GetExtendedTcpTable',
    });
    expect((caught as { remedy: string }).remedy).toMatch(/elevated/);
  });

  it('leaves non-OS errors alone', () => {
    const plain = new TypeError('family must be 4 or 6');
    expect(toWin32Error(plain)).toBe(plain);
  });
});
