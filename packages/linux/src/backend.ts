/**
 * The Linux backend: core's {@link EphemeralPortsBackend} over /proc/sys/net/ipv4, in the caller's network
 * namespace or another one given by path. Every change is validated by core first (with the live
 * `ip_unprivileged_port_start`), written in one write(), read back and compared; a refused change changes nothing.
 */
import {
  type AbstractLocks,
  type BackendInfo,
  EphemeralPortsError,
  type EphemeralPortsBackend,
  ErrorCodes,
  type KernelConstraints,
  type PersistOptions,
  type PortRange,
  type PortSet,
  type Protocol,
  type RangeChange,
  type RangeReading,
  type RawCapture,
  type ReservedChange,
  type ReservedReading,
  type ScopeOptions,
  assertValidPortList,
  assertValidRange,
  checkNetnsPath,
  rangeEquals,
  scopeProtocol,
  validateRange,
} from '@ephemeral-ports/core/model';
import {
  MAX_RESERVED_TEXT_BYTES,
  formatRangeText,
  formatReservedText,
  parseRangeText,
  parseReservedText,
} from './procfs-format.js';
import { kernelRelease } from './kernel-release.js';
import { type NativeLinuxBinding, loadNativeBinding } from './native.js';
import { type ProcfsIo, createJsIo, createNativeIo, readUnprivilegedStart, recordingIo } from './procfs-io.js';

export interface LinuxBackendOptions {
  /** Default network namespace for every call (`/proc/<pid>/ns/net`, `/run/netns/<name>`); calls may override. */
  netns?: string;
  /**
   * `auto` (default): the addon, else the JS fallback with `info().fallbackReason`. `native`: the addon or
   * `ERR_EPHEMERAL_BACKEND_LOAD_FAILED`. `js`: always the fallback.
   */
  implementation?: 'auto' | 'native' | 'js';
  /** Records every procfs read as text (a support bundle); see core's raw-capture.ts. */
  capture?: RawCapture;
}

/** The live range and reserved ports of one namespace, read together. */
export interface RangeWithReserved {
  range: RangeReading;
  reserved: ReservedReading;
}

export interface LinuxBackend extends EphemeralPortsBackend {
  readonly os: 'linux';
  getRangeSync(options?: ScopeOptions): RangeReading;
  /** `getRange` and `getReserved` in one read (one addon call): what a range report needs. */
  getRangeWithReserved(options?: ScopeOptions): Promise<RangeWithReserved>;
  getRangeWithReservedSync(options?: ScopeOptions): RangeWithReserved;
}

interface Scope {
  protocol: Protocol;
  netns: string | undefined;
}

function selectIo(choice: LinuxBackendOptions['implementation']): { io: ProcfsIo; fallbackReason?: string } {
  if (choice === 'js') {
    const reason = 'implementation "js" was requested';
    return { io: createJsIo(reason), fallbackReason: reason };
  }
  const loaded = loadNativeBinding();
  if (loaded.binding) return { io: createNativeIo(loaded.binding) };
  if (choice === 'native') {
    throw new EphemeralPortsError(ErrorCodes.BACKEND_LOAD_FAILED, `the Linux addon is unavailable: ${loaded.fallbackReason}`, {
      remedy: 'reinstall @ephemeral-ports/linux (it ships a linux-x64 prebuild) or build it with node-gyp',
    });
  }
  return { io: createJsIo(loaded.fallbackReason), fallbackReason: loaded.fallbackReason };
}

export function createLinuxBackend(options: LinuxBackendOptions = {}): LinuxBackend {
  const netns = checkNetnsPath(options.netns);
  const selected = selectIo(options.implementation ?? 'auto');
  const io = options.capture ? recordingIo(selected.io, options.capture) : selected.io;
  const { fallbackReason } = selected;
  const implementation = options.implementation ?? 'auto';
  // The census code loads on its first use: most programs never take one (cold start, bench/suites/cold-start.ts).
  let loaded: CensusFunction | undefined;
  const census: CensusFunction = async (o) => {
    loaded ??= (await import('./census/backend-census.js')).createBackendCensus(implementation, netns, loadNativeBinding());
    return loaded(o);
  };
  const binding = fallbackReason === undefined ? loadNativeBinding().binding : undefined;
  return createProcfsBackend(io, { netns, fallbackReason, census, abstractLocks: abstractLocksOf(binding), binding });
}

/** The addon's abstract-socket locks, when this build has them (a prebuild older than them loads without). */
function abstractLocksOf(binding: NativeLinuxBinding | undefined): AbstractLocks | undefined {
  const listen = binding?.listenAbstract;
  const close = binding?.closeFd;
  if (typeof listen !== 'function' || typeof close !== 'function') return undefined;
  return { listen: (name) => listen.call(binding, name), close: (fd) => close.call(binding, fd) };
}

export interface ProcfsBackendParts {
  /** Default namespace of every call. */
  netns?: string;
  /** Set when `io` is the JS fallback. */
  fallbackReason?: string;
  /** The socket census (src/census); absent in unit tests with a stubbed procfs. */
  census?: CensusFunction;
  /** free-port's lock sockets through the addon; absent with the JS fallback. */
  abstractLocks?: AbstractLocks;
  /** The addon, for the kernel release (uname); absent with the JS fallback. */
  binding?: Pick<NativeLinuxBinding, 'kernelRelease'>;
}

type CensusFunction = NonNullable<EphemeralPortsBackend['census']>;

/** The backend over any {@link ProcfsIo}; `createLinuxBackend` picks the I/O, unit tests pass a stub. */
export function createProcfsBackend(io: ProcfsIo, parts: ProcfsBackendParts = {}): LinuxBackend {
  const { netns: defaultNetns, fallbackReason, census, abstractLocks, binding } = parts;

  const scope = (o: ScopeOptions = {}): Scope => {
    const protocol = scopeProtocol(o);
    return { protocol, netns: o.netns === undefined ? defaultNetns : checkNetnsPath(o.netns) };
  };

  const constraintsIn = (netns: string | undefined): KernelConstraints => {
    const unprivilegedPortStart = readUnprivilegedStart(io, netns);
    return unprivilegedPortStart === undefined ? {} : { unprivilegedPortStart };
  };

  /** `tcp_tw_reuse` (0, 1 or 2), or undefined when it cannot be read (the JS fallback in another namespace). */
  const tcpTwReuseIn = (netns: string | undefined): number | undefined => {
    try {
      const value = Number(io.read('tcp_tw_reuse', netns).trim());
      return Number.isInteger(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };

  /** A kernel EINVAL on write gets the reason core finds against the live constraints. */
  const explainRefusal = (error: unknown, range: PortRange, netns: string | undefined): unknown => {
    const e = error as EphemeralPortsError;
    if (!(e instanceof EphemeralPortsError) || e.code !== 'EINVAL' || e.syscall !== 'write') return error;
    const found = validateRange('linux', range, constraintsIn(netns)).errors;
    const reason = found.length > 0 ? found.map((d) => d.message).join('; ') : 'core found no reason (a race?)';
    return new EphemeralPortsError('EINVAL', `the kernel refused ${range.low} ${range.high}: ${reason}`, {
      errno: e.errno,
      syscall: e.syscall,
      path: e.path,
      remedy: reason,
      violations: found,
      cause: error,
    });
  };

  const rangeReading = (range: PortRange, s: Scope): RangeReading =>
    s.netns === undefined
      ? { range, protocol: s.protocol, source: io.source }
      : { range, protocol: s.protocol, source: io.source, details: { netns: s.netns } };

  const reservedReading = (text: string, s: Scope): ReservedReading =>
    s.netns === undefined
      ? { ports: parseReservedText(text), kind: 'reserved', source: io.source }
      : { ports: parseReservedText(text), kind: 'reserved', source: io.source, details: { netns: s.netns } };

  const getRangeSync = (o?: ScopeOptions): RangeReading => {
    const s = scope(o);
    return rangeReading(io.readPortRange(s.netns), s);
  };

  const getRangeWithReservedSync = (o?: ScopeOptions): RangeWithReserved => {
    const s = scope(o);
    const { range, reservedText } = io.readRangeAndReserved(s.netns);
    return { range: rangeReading(range, s), reserved: reservedReading(reservedText, s) };
  };

  const setRangeSync = (input: PortRange, o?: ScopeOptions): RangeChange => {
    const s = scope(o);
    // Shape, bounds and order first, so bad input never reaches the kernel; then the live limit.
    assertValidRange('linux', input, { unprivilegedPortStart: 1 });
    const constraints = constraintsIn(s.netns);
    const next = assertValidRange('linux', input, constraints);
    let exchanged;
    try {
      exchanged = io.exchange('ip_local_port_range', formatRangeText(next), s.netns);
    } catch (error) {
      throw explainRefusal(error, next, s.netns);
    }
    const previous = parseRangeText(exchanged.previous);
    const current = parseRangeText(exchanged.current);
    if (!rangeEquals(current, next)) {
      throw new EphemeralPortsError(
        ErrorCodes.READBACK_MISMATCH,
        `wrote ${next.low} ${next.high} but read back ${current.low} ${current.high} (another writer?)`,
      );
    }
    return {
      previous,
      current,
      protocol: s.protocol,
      source: io.source,
      warnings: validateRange('linux', next, constraints).warnings,
    };
  };

  const getReservedSync = (o?: ScopeOptions): ReservedReading => {
    const s = scope(o);
    return reservedReading(io.read('ip_local_reserved_ports', s.netns), s);
  };

  const setReservedSync = (input: PortSet, o?: ScopeOptions): ReservedChange => {
    const s = scope(o);
    const next = assertValidPortList(input);
    const text = formatReservedText(next);
    if (text.length > MAX_RESERVED_TEXT_BYTES) {
      throw new EphemeralPortsError(
        ErrorCodes.INVALID_PORT_LIST,
        `reserved ports as text take ${text.length} bytes; the kernel parses at most ${MAX_RESERVED_TEXT_BYTES} ` +
          'per write, so the list would be applied only in part',
        {
          violations: [
            { code: 'PORTS_TEXT_TOO_LONG', severity: 'error', message: `${next.ranges.length} ranges are too many` },
          ],
        },
      );
    }
    const exchanged = io.exchange('ip_local_reserved_ports', text, s.netns);
    const current = parseReservedText(exchanged.current);
    if (!current.equals(next)) {
      throw new EphemeralPortsError(
        ErrorCodes.READBACK_MISMATCH,
        `wrote reserved ports ${next.toString() || '(none)'} but read back ${current.toString() || '(none)'}`,
      );
    }
    return { previous: parseReservedText(exchanged.previous), current, source: io.source };
  };

  // Async methods do the synchronous work and settle their promise with it: each call is a few microseconds of
  // procfs I/O (or one short setns thread), less than the cost of a thread-pool round trip.
  const later =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): Promise<R> => {
      try {
        return Promise.resolve(fn(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    };

  return {
    os: 'linux',
    ...(abstractLocks === undefined ? {} : { abstractLocks }),
    info(): BackendInfo {
      return {
        os: 'linux',
        release: kernelRelease(binding),
        implementation: fallbackReason === undefined ? 'native' : 'js-fallback',
        ...(fallbackReason !== undefined && { fallbackReason }),
        separateProtocolRanges: false,
        supportsNetns: fallbackReason === undefined,
        supportsReserved: true,
        supportsCensus: census !== undefined,
      };
    },
    getRangeSync,
    getRange: later(getRangeSync),
    getRangeWithReservedSync,
    getRangeWithReserved: later(getRangeWithReservedSync),
    setRange: later(setRangeSync),
    getConstraints: later((o?: ScopeOptions) => {
      const { netns } = scope(o);
      const constraints = constraintsIn(netns);
      // Read when asked for (doctor's snapshot), not on every call: free-port asks for the start on each port.
      Object.defineProperty(constraints, 'tcpTwReuse', { enumerable: true, get: () => tcpTwReuseIn(netns) });
      return constraints;
    }),
    getReserved: later(getReservedSync),
    setReserved: later(setReservedSync),
    // Persistence (and the file-writing code under it) loads on first use: a range read never needs it.
    persistRange: async (input: PortRange, o: PersistOptions = {}) => {
      const persist = await import('./persist.js');
      persist.refusePersistNetns(o);
      assertValidRange('linux', input, { unprivilegedPortStart: 1 });
      return persist.persistRangeToFile(assertValidRange('linux', input, constraintsIn(undefined)), o);
    },
    getPersisted: async (o: PersistOptions = {}) => {
      const persist = await import('./persist.js');
      persist.refusePersistNetns(o);
      return persist.readPersistedRange(o);
    },
    ...(census !== undefined && { census }),
  };
}
