/**
 * Why can't I bind port N on Windows? Binding inside an excluded range fails with WSAEACCES (10013, "An attempt
 * was made to access a socket in a way forbidden by its access permissions") even though netstat shows no owner
 * (docker/for-win #3171, microsoft/WSL #5514, clash-verge-rev #1688). This names the range, who made it, and the
 * known remedies. Pure: the caller passes the excluded rows (from netsh) and, optionally, the dynamic range.
 */
import {
  type PortRange,
  type Protocol,
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
  /** Rows of `netsh int ipv4 show excludedportrange protocol=<protocol>`. */
  excluded: readonly ExcludedPortRange[];
  /** The dynamic (ephemeral) range of the protocol, when known. */
  dynamic?: PortRange;
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
  /** One sentence. */
  summary: string;
  /** Things a human can do, most targeted first. Commands need an elevated prompt where noted. */
  remedies: string[];
}

export function explainExcludedPort(port: number, input: ExplainPortInput): ExcludedPortExplanation {
  if (typeof port !== 'number' || !Number.isInteger(port)) throw invalidArgType('port', 'an integer', port);
  if (port < 1 || port > 65535) throw outOfRange('port', '>= 1 && <= 65535', port);
  const protocol = input.protocol ?? 'tcp';
  const range = input.excluded.find((r) => rangeContains(r, port));
  const inDynamicRange = input.dynamic ? rangeContains(input.dynamic, port) : undefined;
  const base = inDynamicRange === undefined ? { port, protocol } : { port, protocol, inDynamicRange };

  if (!range) {
    const remedies =
      inDynamicRange === true
        ? [
            `Port ${port} is free of exclusions but inside the dynamic range ${formatRange(input.dynamic!)}: ` +
              'outgoing connections may take it at any time; prefer a port outside that range for servers.',
          ]
        : [];
    return {
      ...base,
      excluded: false,
      summary:
        `${protocol.toUpperCase()} port ${port} is not in any excluded port range` +
        (inDynamicRange === true ? ', but it is inside the dynamic range' : ''),
      remedies,
    };
  }

  const count = range.high - range.low + 1;
  const span = formatRange(range);
  if (range.administered) {
    return {
      ...base,
      excluded: true,
      range,
      madeBy: 'administrator',
      summary:
        `${protocol.toUpperCase()} port ${port} is in the administered exclusion ${span} (a persistent port ` +
        'reservation made by an administrator or an installer); binding it fails with WSAEACCES (10013)',
      remedies: [
        `Use a port outside ${span}.`,
        `If the reservation is no longer needed, delete it (elevated): netsh int ipv4 delete excludedportrange ` +
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
      `${protocol.toUpperCase()} port ${port} is in the excluded range ${span}, reserved by the system ` +
      '(Hyper-V, WinNAT, WSL 2 or Docker take such blocks at boot); binding it fails with WSAEACCES (10013)',
    remedies: [
      `Use a port outside ${span}; system blocks can move at each boot.`,
      'Release the blocks WinNAT holds (elevated): net stop winnat, then net start winnat.',
      `Keep the port for yourself (elevated): net stop winnat; netsh int ipv4 add excludedportrange ` +
        `protocol=${protocol} startport=${port} numberofports=1; net start winnat.`,
      `Move the dynamic range away from the ports you need (elevated), e.g. netsh int ipv4 set dynamicport ` +
        `${protocol} start=49152 num=16384, then reboot; Hyper-V reserves its blocks inside the dynamic range.`,
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
