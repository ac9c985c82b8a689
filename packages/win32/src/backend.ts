/**
 * The Windows backend: core's contract over the documented Windows interfaces (platform-facts §8).
 * - Ranges are per transport (TCP and UDP apart, KB929851) and, as far as Microsoft documents, per IP version:
 *   both families are read (a disagreement is reported) and both are set.
 * - Read: netsh for IPv4 and IPv6, then WMI (see dynamic-range.ts). Set: validated by core first (start ≥ 1025,
 *   count ≥ 255, end ≤ 65535), then `netsh int ipv4|ipv6 set dynamicport … store=active`, read back from the
 *   active store, restored on failure (dynamic-range-set.ts). Persist: the same with store=persistent.
 * - Restore (a rollback, or `restoreRange` of a state read before) writes back what was found, even a range netsh
 *   refuses (`start=1024` after a Hyper-V or Visual Studio install): those go through Set-NetTCPSetting /
 *   Set-NetUDPSetting (powershell.ts), are read back from the same store, and are warned about.
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
  type RawCapture,
  type ReservedChange,
  type ReservedPortExplanation,
  type ReservedReading,
  type ScopeOptions,
  type SocketCensus,
  type WindowsDynamicPortRange,
  assertValidPortList,
  assertValidRange,
  invalidArgType,
  invalidArgValue,
  rangeEquals,
  rawFailure,
  scopeProtocol,
} from '@ephemeral-ports/core';
import { NETSH_SOURCE, type NetshStore, familyWarnings, readDynamicRange, readFamilies } from './dynamic-range.js';
import { setBothFamilies, setDynamicPortArgs } from './dynamic-range-set.js';
import { type WriteRoutes, writeBack } from './dynamic-range-restore.js';
import {
  type PowerShellCommand,
  type PowerShellRunner,
  assertPowerShellRange,
  createPowerShellRunner,
  recordingPowerShell,
  setDynamicPortViaPowerShell,
} from './powershell.js';
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
  recordingNetsh,
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
  /**
   * Windows PowerShell, for restoring a range netsh refuses. Default
   * `%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe`. Tests pass a double.
   */
  powershell?: PowerShellCommand;
  /** Replaces the PowerShell runner altogether (in-process doubles in tests); `powershell` is then ignored. */
  powershellRunner?: PowerShellRunner;
  /** Per PowerShell call. Default 60 s. */
  powershellTimeoutMs?: number;
  /** Reported by info(). Default `os.release()`. */
  release?: string;
  /** Records every netsh run and WMI read (a support bundle); see core's raw-capture.ts. */
  capture?: RawCapture;
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
  /**
   * Writes back a range read before (a range for both families, or each family's start and count as in
   * `getRange().details.families`), even one `setRange` refuses, such as `start=1024`: netsh where it accepts the
   * value, else Set-NetTCPSetting / Set-NetUDPSetting; verified by reading the same store back. Such a restore is
   * warned about (`RESTORED_OUTSIDE_NETSH_LIMITS`), never refused; only values the cmdlets cannot take are
   * (start 1..65535, 1..65535 ports, end ≤ 65535: RangeError).
   */
  restoreRange(found: RestorableRange, options?: RestoreOptions): Promise<RangeChange>;
}

/** What `restoreRange` writes back: one range for both families, or each family's own. */
export type RestorableRange = PortRange | { ipv4: WindowsDynamicPortRange; ipv6: WindowsDynamicPortRange };

export interface RestoreOptions extends ScopeOptions {
  /** The store to write and read back. Default `active`. */
  store?: NetshStore;
}

function restorable(found: RestorableRange): { ipv4: WindowsDynamicPortRange; ipv6: WindowsDynamicPortRange } {
  if (typeof found !== 'object' || found === null) throw invalidArgType('found', 'an object', found);
  if ('ipv4' in found && 'ipv6' in found) {
    return { ipv4: assertPowerShellRange(found.ipv4, 'found.ipv4'), ipv6: assertPowerShellRange(found.ipv6, 'found.ipv6') };
  }
  const r = found as PortRange;
  if (!Number.isInteger(r.low) || !Number.isInteger(r.high) || r.high < r.low) {
    throw invalidArgValue('found', found, 'must be { low, high } with integer low <= high, or { ipv4, ipv6 } start/count pairs');
  }
  const one = assertPowerShellRange({ start: r.low, count: r.high - r.low + 1 }, 'found');
  return { ipv4: one, ipv6: one };
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

/** The addon with its WMI range read recorded (the instances it returned, as plain data). */
function recordingWmi(binding: Win32NativeBinding, capture: RawCapture): Win32NativeBinding {
  return {
    ...binding,
    async queryDynamicPortRange(protocol) {
      const api = `wmi:${protocol === 'udp' ? 'MSFT_NetUDPSetting' : 'MSFT_NetTCPSetting'}`;
      try {
        const instances = await binding.queryDynamicPortRange(protocol);
        capture({ kind: 'call', api, args: [protocol], result: instances.map((i) => ({ ...i })) });
        return instances;
      } catch (error) {
        capture({ kind: 'call', api, args: [protocol], error: rawFailure(error) });
        throw error;
      }
    },
  };
}

export function createWin32Backend(options: Win32BackendOptions = {}): Win32Backend {
  const loaded =
    options.native === undefined
      ? loadNativeBinding()
      : options.native === null
        ? { fallbackReason: 'created without the addon (native: null)' }
        : { binding: options.native };
  const { capture } = options;
  const native = capture && loaded.binding ? recordingWmi(loaded.binding, capture) : loaded.binding;
  const fallbackReason = loaded.fallbackReason;
  const netshCommand = options.netsh ?? { command: defaultNetshPath() };
  const runner: NetshRunner = options.netshRunner ?? createNetshRunner(netshCommand, options.netshTimeoutMs);
  const netsh = capture ? recordingNetsh(runner, capture, options.netshRunner ? 'netsh' : netshCommand.command) : runner;

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

  const psRunner: PowerShellRunner =
    options.powershellRunner ?? createPowerShellRunner(options.powershell, options.powershellTimeoutMs);
  const psFile = options.powershellRunner
    ? 'powershell'
    : (options.powershell?.command ?? '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  const powershell = capture ? recordingPowerShell(psRunner, capture, psFile) : psRunner;
  const routes: WriteRoutes = {
    netsh,
    runSet,
    powershellSet: (protocol, value) => setDynamicPortViaPowerShell(powershell, protocol, value),
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
      const change = await setBothFamilies(routes, protocol, target, 'active');
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
      await setBothFamilies(routes, protocol, target, 'persistent');
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

    async restoreRange(found: RestorableRange, o: RestoreOptions = {}): Promise<RangeChange> {
      const protocol = protocolOf(o);
      const store = o.store ?? 'active';
      if (store !== 'active' && store !== 'persistent') throw invalidArgValue('options.store', store, "must be 'active' or 'persistent'");
      const value = restorable(found);
      const result = await writeBack(routes, protocol, store, value);
      return {
        previous: result.before.ipv4.range,
        current: result.after.ipv4.range,
        protocol,
        source: NETSH_SOURCE,
        warnings: [...result.warnings, ...familyWarnings(protocol, result.after, store)],
      };
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
