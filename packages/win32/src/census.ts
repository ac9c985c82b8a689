/**
 * Socket census from GetExtendedTcpTable / GetExtendedUdpTable, mapped to core's SocketEntry.
 *
 * Windows rules worth knowing when reading the result:
 * - A TCP socket that is bound but neither listening nor connected shows up with MIB state CLOSED and a zero
 *   remote end; netstat and TCPView hide it, Get-NetTCPConnection calls it "Bound". It holds its port all the
 *   same, so it is reported as `BOUND` (microsoft/WSL #3311, #3951).
 * - TIME_WAIT rows belong to no process (PID 0) and hold their local port for TcpTimedWaitDelay (commonly
 *   120 s; platform-facts §8.7) — on Windows they, not live sockets, usually exhaust the dynamic range.
 * - The UDP tables have no state and no remote end: every UDP row is `UNCONN`, even for a connected socket.
 * - PIDs come from the OWNER_PID table classes; 0 means unknown (always so under Wine 8) and is left out.
 */
import type { CensusOptions, Protocol, SocketCensus, SocketEntry, SocketState } from '@ephemeral-ports/core';
import { EphemeralPortsError, ErrorCodes, checkOneOf, invalidArgType } from '@ephemeral-ports/core';
import type { NativeSocketRow, Win32NativeBinding } from './native.js';
import { withWin32Errors } from './win-error.js';

/** MIB_TCP_STATE → core state name. */
const TCP_STATES: Readonly<Record<number, SocketState>> = {
  1: 'CLOSE',
  2: 'LISTEN',
  3: 'SYN_SENT',
  4: 'SYN_RECV',
  5: 'ESTABLISHED',
  6: 'FIN_WAIT1',
  7: 'FIN_WAIT2',
  8: 'CLOSE_WAIT',
  9: 'CLOSING',
  10: 'LAST_ACK',
  11: 'TIME_WAIT',
  12: 'CLOSE', // DELETE_TCB: being torn down
  100: 'BOUND', // the NSI/Get-NetTCPConnection value, in case a table ever reports it
};

const ANY = { 4: '0.0.0.0', 6: '::' } as const;

export function tcpState(row: NativeSocketRow): SocketState {
  const unconnected = row.remotePort === 0 && (row.remoteAddress === '0.0.0.0' || row.remoteAddress === '::');
  if (row.state === 1 && unconnected) return 'BOUND';
  return TCP_STATES[row.state] ?? 'CLOSE';
}

export function toSocketEntry(
  protocol: Protocol,
  family: 4 | 6,
  row: NativeSocketRow,
  withPid: boolean,
): SocketEntry {
  const entry: SocketEntry =
    protocol === 'tcp'
      ? {
          protocol,
          family,
          state: tcpState(row),
          localAddress: row.localAddress,
          localPort: row.localPort,
          remoteAddress: row.remoteAddress,
          remotePort: row.remotePort,
        }
      : {
          protocol,
          family,
          state: 'UNCONN',
          localAddress: row.localAddress,
          localPort: row.localPort,
          remoteAddress: ANY[family],
          remotePort: 0,
        };
  if (withPid && row.pid > 0) entry.pid = row.pid;
  return entry;
}

function checkList<T>(value: readonly T[] | undefined, allowed: readonly T[], name: string): readonly T[] {
  if (value === undefined) return allowed;
  if (!Array.isArray(value)) throw invalidArgType(name, 'an array', value);
  value.forEach((v, i) => checkOneOf(`${name}[${i}]`, v, allowed));
  return value;
}

export function takeCensus(native: Win32NativeBinding, options: CensusOptions = {}): SocketCensus {
  if (options.netns !== undefined) {
    throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, 'Windows has no network namespaces (netns)');
  }
  const protocols = checkList<Protocol>(options.protocols, ['tcp', 'udp'], 'protocols');
  const families = checkList<4 | 6>(options.families, [4, 6], 'families');
  const withPid = options.processes === true;
  const sockets: SocketEntry[] = [];
  for (const protocol of protocols) {
    for (const family of families) {
      const rows = withWin32Errors(() => (protocol === 'tcp' ? native.tcpTable(family) : native.udpTable(family)));
      for (const row of rows) sockets.push(toSocketEntry(protocol, family, row, withPid));
    }
  }
  return { sockets, source: 'iphlpapi:GetExtendedTcpTable/GetExtendedUdpTable' };
}
