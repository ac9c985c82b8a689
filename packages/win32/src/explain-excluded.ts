/**
 * Why can't I bind port N on Windows? Binding inside an excluded range fails with WSAEACCES (10013, "An attempt
 * was made to access a socket in a way forbidden by its access permissions") even though netstat shows no owner
 * (docker/for-win #3171, microsoft/WSL #5514, clash-verge-rev #1688); binding a port another socket holds fails
 * with WSAEADDRINUSE (10048). This names the excluded range (from the IPv4 and the IPv6 list), who made it, the
 * sockets already bound to the port, and the known remedies. Pure: the caller passes the excluded rows (from
 * netsh), optionally the dynamic range and the sockets bound to the port (from the census).
 */
import {
  type PortRange,
  type Protocol,
  type SocketEntry,
  type ReservedPortExplanation,
  type ReservedReading,
  formatRange,
  invalidArgType,
  outOfRange,
  rangeContains,
} from '@ephemeral-ports/core';
import type { ExcludedPortRange } from './netsh-excluded.js';

export interface ExplainPortInput {
  protocol?: Protocol;
  /** Rows of `netsh int ipv4|ipv6 show excludedportrange protocol=<protocol>`. */
  excluded: readonly ExcludedPortRange[];
  /** The dynamic (ephemeral) range of the protocol, when known. */
  dynamic?: PortRange;
  /** Sockets of the protocol (both families), when known; those bound to the port are reported. */
  sockets?: readonly SocketEntry[];
}

/** A socket that holds the port (a listener, a bound socket, or any UDP socket). */
export interface PortHolder {
  family: 4 | 6;
  state: string;
  localAddress: string;
  pid?: number;
}

export interface ExcludedPortExplanation {
  port: number;
  protocol: Protocol;
  /** True when a bind on this port fails with WSAEACCES because of an exclusion. */
  excluded: boolean;
  /** The excluded range holding the port (the first one, when ranges overlap). */
  range?: ExcludedPortRange;
  /** Who made the exclusion: `administrator` for `*` rows, `system` (Hyper-V/WinNAT/WSL/Docker) otherwise. */
  madeBy?: 'administrator' | 'system';
  /** Whether the port lies in the dynamic range (undefined when the range was not given). */
  inDynamicRange?: boolean;
  /** Sockets already bound to the port (undefined when the census was not given). */
  inUse?: PortHolder[];
  /** One sentence. */
  summary: string;
  /** Things a human can do, most targeted first. Commands need an elevated prompt where noted. */
  remedies: string[];
}

// A connected TCP socket shares its local port with others only through the 4-tuple; a listener or a bound,
// unconnected socket is what makes bind() fail.
const HOLDS = new Set(['LISTEN', 'BOUND', 'UNCONN']);

function holders(port: number, sockets: readonly SocketEntry[]): PortHolder[] {
  return sockets
    .filter((s) => s.localPort === port && HOLDS.has(s.state))
    .map((s) => ({ family: s.family, state: s.state, localAddress: s.localAddress, ...(s.pid !== undefined && { pid: s.pid }) }));
}

const describeHolder = (h: PortHolder) =>
  `${h.state} on ${h.family === 6 ? `[${h.localAddress}]` : h.localAddress}${h.pid === undefined ? '' : ` (pid ${h.pid})`}`;

export function explainExcludedPort(port: number, input: ExplainPortInput): ExcludedPortExplanation {
  if (typeof port !== 'number' || !Number.isInteger(port)) throw invalidArgType('port', 'an integer', port);
  if (port < 1 || port > 65535) throw outOfRange('port', '>= 1 && <= 65535', port);
  const protocol = input.protocol ?? 'tcp';
  const range = input.excluded.find((r) => rangeContains(r, port));
  const inDynamicRange = input.dynamic ? rangeContains(input.dynamic, port) : undefined;
  const inUse = input.sockets ? holders(port, input.sockets) : undefined;
  const base = {
    port,
    protocol,
    ...(inDynamicRange !== undefined && { inDynamicRange }),
    ...(inUse !== undefined && { inUse }),
  };
  const P = protocol.toUpperCase();
  const held =
    inUse && inUse.length > 0
      ? `; it is also in use: ${inUse.map(describeHolder).join(', ')}`
      : '';

  if (!range) {
    const remedies: string[] = [];
    if (inUse && inUse.length > 0) {
      remedies.push(
        `Port ${port} is held by ${inUse.map(describeHolder).join(', ')}: stop that program or pick another port ` +
          '(netstat -ano shows the owner).',
      );
    }
    if (inDynamicRange === true) {
      remedies.push(
        `Port ${port} is free of exclusions but inside the dynamic range ${formatRange(input.dynamic!)}: ` +
          'outgoing connections may take it at any time; prefer a port outside that range for servers.',
      );
    }
    const summary =
      inUse && inUse.length > 0
        ? `${P} port ${port} is not in any excluded port range but is in use (${inUse.map(describeHolder).join(', ')}); ` +
          'binding it fails with WSAEADDRINUSE (10048)'
        : `${P} port ${port} is not in any excluded port range` +
          (inDynamicRange === true ? ', but it is inside the dynamic range' : '');
    return { ...base, excluded: false, summary, remedies };
  }

  const count = range.high - range.low + 1;
  const span = formatRange(range);
  // A row in one family's list only is deleted in that family's context.
  const family = range.families?.length === 1 ? range.families[0]! : 'ipv4';
  const where = range.families?.length === 1 ? ` (listed for ${range.families[0] === 'ipv6' ? 'IPv6' : 'IPv4'} only)` : '';
  if (range.administered) {
    return {
      ...base,
      excluded: true,
      range,
      madeBy: 'administrator',
      summary:
        `${P} port ${port} is in the administered exclusion ${span}${where} (a persistent port ` +
        `reservation made by an administrator or an installer); binding it fails with WSAEACCES (10013)${held}`,
      remedies: [
        `Use a port outside ${span}.`,
        `If the reservation is no longer needed, delete it (elevated): netsh int ${family} delete excludedportrange ` +
          `protocol=${protocol} startport=${range.low} numberofports=${count}`,
      ],
    };
  }
  return {
    ...base,
    excluded: true,
    range,
    madeBy: 'system',
    summary:
      `${P} port ${port} is in the excluded range ${span}${where}, reserved by the system ` +
      `(Hyper-V, WinNAT, WSL 2 or Docker take such blocks at boot); binding it fails with WSAEACCES (10013)${held}`,
    remedies: [
      `Use a port outside ${span}; system blocks can move at each boot.`,
      'Release the blocks WinNAT holds (elevated): net stop winnat, then net start winnat.',
      `Keep the port for yourself (elevated): net stop winnat; netsh int ipv4 add excludedportrange ` +
        `protocol=${protocol} startport=${port} numberofports=1; net start winnat.`,
      `Move the dynamic range away from the ports you need (elevated), e.g. netsh int ipv4 set dynamicport ` +
        `${protocol} start=49152 num=16384 and the same with ipv6, then reboot; Hyper-V reserves its blocks inside ` +
        'the dynamic range.',
    ],
  };
}

/**
 * The backend contract's `explainReserved` for Windows: the excluded-range rows the backend's `getReserved` puts in
 * `details.ranges` say who made the exclusion holding `port`; undefined when no row holds it (or the reading has
 * no rows, e.g. one made by another backend).
 */
export function explainExcludedReading(port: number, reading: ReservedReading): ReservedPortExplanation | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const rows = reading.details?.ranges;
  if (!Array.isArray(rows) || !isExcludedRows(rows)) return undefined;
  const protocol = reading.details?.protocol === 'udp' ? 'udp' : 'tcp';
  const why = explainExcludedPort(port, { protocol, excluded: rows });
  if (!why.excluded) return undefined;
  return { summary: why.summary, range: why.range!, madeBy: why.madeBy!, remedies: why.remedies };
}

function isExcludedRows(rows: unknown[]): rows is ExcludedPortRange[] {
  return rows.every(
    (r) =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as ExcludedPortRange).low === 'number' &&
      typeof (r as ExcludedPortRange).high === 'number' &&
      typeof (r as ExcludedPortRange).administered === 'boolean',
  );
}
