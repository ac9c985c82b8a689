/**
 * One consistent snapshot for every diagnostic: the census plus the range, reserved ports and kernel facts it is
 * judged against, all from the same backend and namespace. usage(), doctor(), the port map and the metrics all
 * start from here, so they never disagree about what they saw.
 */
import {
  CENSUS_METHODS,
  type CensusMethod,
  type CensusOptions,
  type EphemeralPortsBackend,
  EphemeralPortsError,
  type KernelConstraints,
  ErrorCodes,
  PortSet,
  checkBoolean,
  checkNetnsPath,
  checkObject,
  checkOneOf,
  type PortRange,
  type SocketCensus,
  type TargetOs,
} from '@ephemeral-ports/core/model';
import type { DoctorFacts } from '@ephemeral-ports/core/diagnostics';
import { getBackend } from '../backend.js';

export interface DiagnosticsOptions {
  /** Linux: network namespace path (`/proc/<pid>/ns/net`, `/run/netns/<name>`). */
  netns?: string;
  /** Resolve the owning process (pid, command) of each socket; slower, and needs privileges for other users'. */
  processes?: boolean;
  /** Linux: how the census lists sockets (see {@link CensusMethod}); default `auto`. */
  method?: CensusMethod;
}

export interface DiagnosticsSnapshot {
  os: TargetOs;
  census: SocketCensus;
  /** The live TCP ephemeral range. */
  range: PortRange;
  reserved: PortSet;
  facts: DoctorFacts;
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
}

export function checkDiagnosticsOptions(options: unknown): DiagnosticsOptions {
  if (options === undefined) return {};
  checkObject('options', options);
  const o = options as Record<string, unknown>;
  const netns = checkNetnsPath(o.netns);
  if (o.processes !== undefined) checkBoolean('options.processes', o.processes);
  if (o.method !== undefined) checkOneOf<CensusMethod>('options.method', o.method, CENSUS_METHODS);
  return {
    ...(netns === undefined ? {} : { netns }),
    ...(o.processes === true ? { processes: true } : {}),
    ...(o.method === undefined ? {} : { method: o.method as CensusMethod }),
  };
}

export async function takeSnapshot(input?: DiagnosticsOptions, backend: EphemeralPortsBackend = getBackend()): Promise<DiagnosticsSnapshot> {
  const options = checkDiagnosticsOptions(input);
  const info = backend.info();
  if (!info.supportsCensus || typeof backend.census !== 'function') {
    throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `socket census is not available on ${info.os}`, {
      remedy: 'Use the OS tools instead (netstat -an, sockstat, Get-NetTCPConnection).',
    });
  }
  const scope = options.netns === undefined ? { protocol: 'tcp' as const } : { protocol: 'tcp' as const, netns: options.netns };
  const [census, reading, reserved, constraints] = await Promise.all([
    // Counts, not one object per socket, where the backend can (Linux addon): every report here needs only those.
    backend.census({ ...options, aggregate: true } satisfies CensusOptions),
    backend.getRange(scope),
    info.supportsReserved ? backend.getReserved(scope).then((r) => r.ports) : Promise.resolve(PortSet.EMPTY),
    backend.getConstraints(scope).catch((): KernelConstraints => ({})),
  ]);
  const facts: DoctorFacts = { os: info.os, reserved };
  if (constraints.tcpTwReuse !== undefined) facts.tcpTwReuse = constraints.tcpTwReuse;
  if (constraints.unprivilegedPortStart !== undefined) facts.unprivilegedPortStart = constraints.unprivilegedPortStart;
  return { os: info.os, census, range: reading.range, reserved, facts, takenAt: Date.now() };
}
