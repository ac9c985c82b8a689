/**
 * The Windows backend: core's contract over the documented Windows interfaces (platform-facts §8).
 * - Ranges are per transport (TCP and UDP apart, KB929851) and, as far as Microsoft documents, per IP version:
 *   both families are read (a disagreement is reported) and both are set.
 * - Read: netsh for IPv4 and IPv6, then WMI (see dynamic-range.ts). Set: validated by core first (start ≥ 1025,
 *   count ≥ 255, end ≤ 65535), then `netsh int ipv4|ipv6 set dynamicport … store=active`, read back from the
 *   active store, restored on failure (dynamic-range-set.ts). Persist: the same with store=persistent.
 * - Reserved = excluded port ranges of both families (kind 'excluded'); census through iphlpapi.
 */
import { release as osRelease } from 'node:os';
import {
  type BackendInfo,
  type CensusOptions,
  EphemeralPortsError,
  type EphemeralPortsBackend,
  ErrorCodes,
  type KernelConstraints,
  type PersistOptions,
  type PersistResult,
  type PersistedReading,
  type PortRange,
  type PortSet,
  type Protocol,
  type RangeChange,
  type RangeReading,
  type ReservedChange,
  type ReservedPortExplanation,
  type ReservedReading,
  type ScopeOptions,
  type SocketCensus,
  assertValidPortList,
  assertValidRange,
  rangeEquals,
  scopeProtocol,
} from '@ephemeral-ports/core';
import { NETSH_SOURCE, familyWarnings, readDynamicRange, readFamilies } from './dynamic-range.js';
import { setBothFamilies, setDynamicPortArgs } from './dynamic-range-set.js';
import { applyReservations, planReservations, readExcludedRanges } from './exclusions.js';
import { type ExcludedPortExplanation, explainExcludedPort, explainExcludedReading } from './explain-excluded.js';
import { type Win32NativeBinding, loadNativeBinding, noBinaryError } from './native.js';
import {
  type NetshCommand,
  type NetshRunner,
  commandFailed,
  createNetshRunner,
  defaultNetshPath,
  formatNetsh,
} from './netsh.js';
import { type ExcludedPortRange, excludedPortSet } from './netsh-excluded.js';
import { toWindowsStartCount } from './start-count.js';
import { ERROR_ELEVATION_REQUIRED, windowsError, withWin32Errors } from './win-error.js';
import { takeCensus } from './census.js';

export interface Win32BackendOptions {
  /** The addon. Default: loaded with node-gyp-build. `null`: run without it (netsh only, no census). */
  native?: Win32NativeBinding | null;
  /** netsh to run. Default `%SystemRoot%\System32\netsh.exe`. Tests pass a double. */
  netsh?: NetshCommand;
  /** Replaces the process runner altogether (in-process doubles in tests); `netsh` is then ignored. */
  netshRunner?: NetshRunner;
  /** Per netsh call. Default 30 s. */
  netshTimeoutMs?: number;
  /** Reported by info(). Default `os.release()`. */
  release?: string;
}

/** Windows-only extras on top of core's contract. */
export interface Win32Backend extends EphemeralPortsBackend {
  census(options?: CensusOptions): Promise<SocketCensus>;
  /** Rows of `show excludedportrange`, with the administered marker. */
  getExcludedRanges(options?: ScopeOptions): Promise<ExcludedPortRange[]>;
  /** Why binding `port` fails (or not): the excluded range, who made it, remedies. */
  explainPort(port: number, options?: ScopeOptions): Promise<ExcludedPortExplanation>;
  /** CreatePersistent{Tcp,Udp}PortReservation; returns the token (elevated). */
  addExclusion(range: PortRange, options?: ScopeOptions): Promise<bigint>;
  /** LookupPersistent{Tcp,Udp}PortReservation: the token, or null when no such reservation exists. */
  lookupExclusion(range: PortRange, options?: ScopeOptions): Promise<bigint | null>;
  /** DeletePersistent{Tcp,Udp}PortReservation (elevated). */
  removeExclusion(range: PortRange, options?: ScopeOptions): Promise<void>;
}

const protocolOf = (options?: ScopeOptions): Protocol => scopeProtocol(options, 'Windows');

/** A single reservation range: 1..65535 (port 0 cannot be reserved), at most 65535 ports (a USHORT count). */
function reservationRange(input: unknown): PortRange {
  const set = assertValidPortList([input], 'exclusion range');
  const range = set.ranges[0]!;
  if (range.low < 1) {
    throw new EphemeralPortsError(ErrorCodes.INVALID_PORT_LIST, 'an exclusion range cannot include port 0', {
      violations: [{ code: 'PORTS_OUT_OF_BOUNDS', severity: 'error', message: 'port 0 cannot be reserved' }],
    });
  }
  return range;
}

export function createWin32Backend(options: Win32BackendOptions = {}): Win32Backend {
  const loaded =
    options.native === undefined
      ? loadNativeBinding()
      : options.native === null
        ? { fallbackReason: 'created without the addon (native: null)' }
        : { binding: options.native };
  const native = loaded.binding;
  const fallbackReason = loaded.fallbackReason;
  const netsh: NetshRunner =
    options.netshRunner ?? createNetshRunner(options.netsh ?? { command: defaultNetshPath() }, options.netshTimeoutMs);

  const requireNative = (what: string): Win32NativeBinding => {
    if (!native) throw noBinaryError(what, fallbackReason ?? 'not loaded');
    return native;
  };

  /** Runs a netsh `set`; a refusal by a non-elevated process becomes EACCES (winCode ERROR_ELEVATION_REQUIRED). */
  const runSet = async (args: string[]): Promise<void> => {
    const result = await netsh(args);
    if (result.status === 0) return;
    let elevated: boolean | undefined;
    try {
      elevated = native?.isElevated();
    } catch {
      elevated = undefined;
    }
    if (elevated === false) {
      throw windowsError(
        ERROR_ELEVATION_REQUIRED,
        'ERROR_ELEVATION_REQUIRED',
        `${formatNetsh(args)} was refused: this process is not elevated`,
        { syscall: 'netsh' },
      );
    }
    throw commandFailed(args, result, 'check the values against KB929851 (start ≥ 1025, ≥ 255 ports, end ≤ 65535)');
  };

  const getRange = (o?: ScopeOptions): Promise<RangeReading> =>
    Promise.resolve().then(() => readDynamicRange(protocolOf(o), native, fallbackReason, netsh));

  const getReserved = async (o?: ScopeOptions): Promise<ReservedReading> => {
    const protocol = protocolOf(o);
    const rows = await readExcludedRanges(netsh, protocol);
    return { ports: excludedPortSet(rows), kind: 'excluded', source: NETSH_SOURCE, details: { protocol, ranges: rows } };
  };

  const backend: Win32Backend = {
    os: 'win32',

    info(): BackendInfo {
      return {
        os: 'win32',
        release: options.release ?? osRelease(),
        implementation: native ? 'native' : 'netsh-only',
        ...(fallbackReason !== undefined && { fallbackReason }),
        separateProtocolRanges: true,
        supportsNetns: false,
        supportsReserved: true,
        supportsCensus: native !== undefined,
      };
    },

    getRange,

    async setRange(range: PortRange, o?: ScopeOptions): Promise<RangeChange> {
      const protocol = protocolOf(o);
      const target = assertValidRange('win32', range);
      const change = await setBothFamilies(netsh, runSet, protocol, target, 'active');
      return {
        previous: change.previous.ipv4.range,
        current: change.current.ipv4.range,
        protocol,
        source: NETSH_SOURCE,
        warnings: change.warnings,
      };
    },

    async getConstraints(o?: ScopeOptions): Promise<KernelConstraints> {
      protocolOf(o);
      return {}; // Windows' limits are fixed (KB929851) and live in core's validation
    },

    getReserved,

    explainReserved(port: number, reading: ReservedReading): ReservedPortExplanation | undefined {
      return explainExcludedReading(port, reading);
    },

    async setReserved(ports: PortSet, o?: ScopeOptions): Promise<ReservedChange> {
      const protocol = protocolOf(o);
      const target = assertValidPortList(ports);
      for (const r of target.ranges) reservationRange(r);
      const addon = requireNative('changing excluded port ranges');
      const before = await readExcludedRanges(netsh, protocol);
      applyReservations(addon, protocol, planReservations(before, target));
      const after = await getReserved({ protocol });
      return { previous: excludedPortSet(before), current: after.ports, source: 'iphlpapi:PersistentPortReservation' };
    },

    async persistRange(range: PortRange, o: PersistOptions = {}): Promise<PersistResult> {
      const protocol = protocolOf(o);
      const target = assertValidRange('win32', range);
      if (o.file !== undefined) {
        throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, 'Windows keeps the range in netsh\'s persistent store, not in a file');
      }
      const value = toWindowsStartCount(target);
      const description = (['ipv4', 'ipv6'] as const)
        .map((family) => formatNetsh(setDynamicPortArgs(family, protocol, value, 'persistent')))
        .join(' && ');
      if (o.dryRun) return { target: description, written: false };
      await setBothFamilies(netsh, runSet, protocol, target, 'persistent');
      return { target: description, written: true };
    },

    async getPersisted(o: PersistOptions = {}): Promise<PersistedReading> {
      const protocol = protocolOf(o);
      const families = await readFamilies(netsh, protocol, 'persistent');
      const disagree = familyWarnings(protocol, families, 'persistent');
      const target = `netsh int ipv4|ipv6 show dynamicport ${protocol} store=persistent`;
      // PersistedReading has one range: IPv4's, with the disagreement said in the target.
      return { range: families.ipv4.range, target: disagree.length > 0 ? `${target} (${disagree[0]!.message})` : target };
    },

    async census(o?: CensusOptions): Promise<SocketCensus> {
      return takeCensus(requireNative('the socket census'), o);
    },

    async getExcludedRanges(o?: ScopeOptions): Promise<ExcludedPortRange[]> {
      return readExcludedRanges(netsh, protocolOf(o));
    },

    async explainPort(port: number, o?: ScopeOptions): Promise<ExcludedPortExplanation> {
      const protocol = protocolOf(o);
      const excluded = await readExcludedRanges(netsh, protocol);
      let dynamic: PortRange | undefined;
      try {
        dynamic = (await getRange({ protocol })).range;
      } catch {
        dynamic = undefined; // the explanation stands without it; inDynamicRange is then left out
      }
      let sockets;
      try {
        sockets = native ? takeCensus(native, { protocols: [protocol], processes: true }).sockets : undefined;
      } catch {
        sockets = undefined; // likewise: inUse is then left out
      }
      return explainExcludedPort(port, {
        protocol,
        excluded,
        ...(dynamic !== undefined && { dynamic }),
        ...(sockets !== undefined && { sockets }),
      });
    },

    async addExclusion(range: PortRange, o?: ScopeOptions): Promise<bigint> {
      const protocol = protocolOf(o);
      const r = reservationRange(range);
      const addon = requireNative('adding an excluded port range');
      return withWin32Errors(() => addon.createPortReservation(protocol, r.low, r.high - r.low + 1));
    },

    async lookupExclusion(range: PortRange, o?: ScopeOptions): Promise<bigint | null> {
      const protocol = protocolOf(o);
      const r = reservationRange(range);
      const addon = requireNative('looking up an excluded port range');
      return withWin32Errors(() => addon.lookupPortReservation(protocol, r.low, r.high - r.low + 1));
    },

    async removeExclusion(range: PortRange, o?: ScopeOptions): Promise<void> {
      const protocol = protocolOf(o);
      const r = reservationRange(range);
      const addon = requireNative('removing an excluded port range');
      withWin32Errors(() => addon.deletePortReservation(protocol, r.low, r.high - r.low + 1));
    },
  };
  return backend;
}
