/**
 * The contract every OS backend implements (Linux procfs, FreeBSD/macOS sysctl, AIX `no`, Windows iphlpapi),
 * and the in-memory backend in `memory-backend.ts`. The facade talks only to this interface.
 *
 * Rules for implementers:
 * - Validate with core (`assertValidRange` / `assertValidPortList`) before touching the kernel; bad input throws
 *   `ERR_EPHEMERAL_INVALID_RANGE` / `ERR_EPHEMERAL_INVALID_PORT_LIST` and changes nothing.
 * - After every write, read back and compare; a difference is `ERR_EPHEMERAL_CLAMPED` or `ERR_EPHEMERAL_READBACK_MISMATCH`.
 * - A failed multi-step change restores the previous value (`ERR_EPHEMERAL_ROLLED_BACK`, or `ERR_EPHEMERAL_ROLLBACK_FAILED`).
 * - OS errors are `EphemeralPortsError`s with `code` = errno name, `errno`, `syscall`, `path` and a `remedy`.
 * - `source` always says how a value was obtained; a backend never returns a guess.
 */
import { type Diagnostic, EphemeralPortsError, ErrorCodes, checkOneOf, invalidArgType, invalidArgValue } from './errors.js';
import type { PortRange, PortSet } from './range.js';
import { PROTOCOLS, type Protocol, type TargetOs } from './platform.js';
import type { CensusOptions, SocketCensus } from './sockets.js';

export interface ScopeOptions {
  /** Transport whose range is meant. Default `tcp`. On Linux, FreeBSD and macOS both share one range. */
  protocol?: Protocol;
  /**
   * Linux only: the network namespace to act in, as a path (`/proc/<pid>/ns/net`, `/run/netns/<name>`).
   * Default: the caller's. Other OSes reject it with `ERR_EPHEMERAL_UNSUPPORTED_OPERATION`.
   */
  netns?: string;
}

/** Live constraints read from the kernel, fed to core validation. */
export interface KernelConstraints {
  /** Linux `ip_unprivileged_port_start`: the lowest allowed range start. */
  unprivilegedPortStart?: number;
  /** AIX: min/max that `no -x` reports for the low and the high tunable of the protocol. */
  tunableLimits?: { low: { min: number; max: number }; high: { min: number; max: number } };
  /**
   * Linux `net.ipv4.tcp_tw_reuse` (0, 1, or 2 = loopback only): whether connect() may take a port held in
   * TIME_WAIT, which decides how much TIME_WAIT pressure matters to doctor. Undefined where it could not be read
   * (Linux reads it when the property is read).
   */
  tcpTwReuse?: number;
}

export interface RangeReading {
  range: PortRange;
  protocol: Protocol;
  /** How the value was obtained, e.g. `native:procfs`, `js:procfs`, `native:sysctl`, `spawn:no`, `spawn:netsh`. */
  source: string;
  /** OS-specific extras (BSD high/low ranges, AIX default and next-boot values, Windows start + count, ...). */
  details?: Record<string, unknown>;
  /** What the backend found worth saying about the reading (e.g. Windows: IPv4 and IPv6 disagree). */
  warnings?: Diagnostic[];
}

export interface RangeChange {
  previous: PortRange;
  current: PortRange;
  protocol: Protocol;
  source: string;
  /** Non-fatal findings, e.g. Linux's equal-parity advice. */
  warnings: Diagnostic[];
}

export interface ReservedReading {
  /** Linux `ip_local_reserved_ports`; Windows excluded port ranges. */
  ports: PortSet;
  kind: 'reserved' | 'excluded';
  source: string;
  details?: Record<string, unknown>;
}

export interface ReservedChange {
  previous: PortSet;
  current: PortSet;
  source: string;
}

export interface PersistOptions extends ScopeOptions {
  /** Where to write (a sysctl.d file, sysctl.conf, plist...). Each backend documents its default. */
  file?: string;
  /** Compute and return the change without writing anything. */
  dryRun?: boolean;
}

export interface PersistResult {
  /** The file written or the mechanism used (`no -p`, `netsh store=persistent`). */
  target: string;
  /** Content before and after, when the target is a file. */
  before?: string;
  after?: string;
  /** Unified diff of `before` → `after`, when the target is a file. */
  diff?: string;
  /** False on dry run. */
  written: boolean;
  /**
   * What the next boot applies with the target as written (or as it would be, on dry run), computed over every file
   * the OS reads at boot in its order; absent where the backend cannot tell.
   */
  effective?: BootPersistence;
}

/** One line of a boot-time configuration that sets (part of) the range. */
export interface PersistedLine {
  /** The file that holds the line (a link's target: /etc/sysctl.conf, not /etc/sysctl.d/99-sysctl.conf). */
  file: string;
  /** 1-based. */
  line: number;
  /** The setting as the line names it (`net.ipv4.ip_local_port_range`, `net.inet.ip.portrange.first`). */
  key: string;
  /** The value as written; null for a line that unsets the key (sysctl.d's `-key`). */
  value: string | null;
  /** The link the boot reads `file` through, when it is not `file` itself. */
  via?: string;
}

/** Which lines win at boot: computed over every file the OS reads, in the OS's documented order. */
export interface BootPersistence {
  /**
   * The range the next boot applies; null when nothing sets it or the kernel refuses the winning value (the boot
   * default then stays; `notes` says which).
   */
  range: PortRange | null;
  /** When `range` is null and the backend knows why the boot default stays (nothing sets it, an unset line...). */
  defaultWhy?: string;
  /** The lines that decide it, one per setting (Linux: one; BSD and AIX: low and high). Empty when none sets it. */
  winners: PersistedLine[];
  /** Lines applied after the target's own that set another value: why `range` is not the target's. */
  overrides: PersistedLine[];
  /** False when the boot never reads the target (a file outside the boot order, or masked). */
  targetRead: boolean;
  /** Every file the boot reads, in the order it applies them. */
  order: string[];
  /** The documented order followed, with its source (e.g. `systemd-sysctl, sysctl.d(5)`). */
  rule: string;
  /** Changes that make the target's range win, most direct first, as exact commands. Empty when it wins. */
  fixes: string[];
  /** Other findings (e.g. procps `sysctl --system` reads /etc/sysctl.conf last, so a non-systemd boot differs). */
  notes: string[];
}

export interface PersistedReading {
  /** The range the target itself configures, or null when it configures none. */
  range: PortRange | null;
  target: string;
  /** Which file and line win at boot, when the backend can tell; see {@link BootPersistence}. */
  effective?: BootPersistence;
}

export interface BackendInfo {
  os: TargetOs;
  /** Kernel release, e.g. `6.1.0-18-amd64`. */
  release: string;
  /** Implementation in use, e.g. `native` or `js-fallback`, with the reason when it is a fallback. */
  implementation: string;
  fallbackReason?: string;
  /** True when TCP and UDP have separate ranges (AIX, Windows). */
  separateProtocolRanges: boolean;
  supportsNetns: boolean;
  supportsReserved: boolean;
  supportsCensus: boolean;
}

/** What {@link EphemeralPortsBackend.explainReserved} says about a reserved or excluded port. */
export interface ReservedPortExplanation {
  /** One sentence. */
  summary: string;
  /** The reservation holding the port, as the OS lists it. */
  range?: PortRange;
  /** Who made it, in the OS's terms (Windows: `administrator` or `system`). */
  madeBy?: string;
  /** What a human can do, most targeted first. */
  remedies: string[];
}

/**
 * Listening AF_UNIX sockets on abstract names (Linux), one fd each: what free-port's cross-process port locks are.
 * The kernel frees a name when its fd closes, also when the holder dies. Names are Node's (`'\0…'`, as `net.Server`
 * binds them), so locks taken either way exclude each other. Absent where the OS has no abstract names.
 */
export interface AbstractLocks {
  /** Binds and listens on `name` (starting with `'\0'`) in the caller's network namespace: the fd, or a negative errno (`-EADDRINUSE`: held). */
  listen(name: string): number;
  /** Closes an fd `listen` returned (frees the name). */
  close(fd: number): void;
}

export interface EphemeralPortsBackend {
  readonly os: TargetOs;
  info(): BackendInfo;
  getRange(options?: ScopeOptions): Promise<RangeReading>;
  /** A synchronous read, where the backend can do it without spawning a process. */
  getRangeSync?(options?: ScopeOptions): RangeReading;
  /**
   * The range and the reserved ports in one read, where the backend can (Linux: one addon call): what a range
   * report needs. The facade falls back to `getRange` + `getReserved` when it is absent or fails.
   */
  getRangeWithReserved?(options?: ScopeOptions): Promise<{ range: RangeReading; reserved: ReservedReading }>;
  setRange(range: PortRange, options?: ScopeOptions): Promise<RangeChange>;
  getConstraints(options?: ScopeOptions): Promise<KernelConstraints>;
  /** Rejects with `ERR_EPHEMERAL_UNSUPPORTED_OPERATION` when `info().supportsReserved` is false. */
  getReserved(options?: ScopeOptions): Promise<ReservedReading>;
  setReserved(ports: PortSet, options?: ScopeOptions): Promise<ReservedChange>;
  /** Writes the OS's boot-time configuration for `range` (or says what it would write, on dry run). */
  persistRange(range: PortRange, options?: PersistOptions): Promise<PersistResult>;
  getPersisted(options?: PersistOptions): Promise<PersistedReading>;
  /** Socket census; present when `info().supportsCensus`. */
  census?(options?: CensusOptions): Promise<SocketCensus>;
  /** Linux: the sockets free-port's cross-process locks are made of, without a libuv handle each (see {@link AbstractLocks}). */
  readonly abstractLocks?: AbstractLocks;
  /**
   * Why `port`, listed in `reading` (what this backend's `getReserved` returned), is reserved or excluded, in the
   * OS's own terms: who made the reservation and what a human can do about it. Pure: it reads `reading` only.
   * Undefined when the port is not listed or the reading says nothing more. Lets the facade explain a port
   * without knowing any OS (Windows: excluded port ranges made by Hyper-V/WinNAT or by an administrator).
   */
  explainReserved?(port: number, reading: ReservedReading): ReservedPortExplanation | undefined;
}

/**
 * What a free-port finder must keep away from, as an OS package reads it in one go without creating its backend: the
 * facade's free-port code asks for it before it would load the backend (and its addon), which is most of a first
 * `getPort()` call. Optional: an OS package that has no cheaper read than its backend's offers none.
 */
export interface PortFacts {
  /** The live ephemeral range of each protocol asked for, in that order. */
  ephemeral: { protocol: Protocol; range: PortRange; source: string }[];
  /** Reserved (Linux) or excluded (Windows) ports, for all the protocols asked for. */
  reserved: PortSet;
  reservedKind: 'reserved' | 'excluded' | 'none';
  /** Ports below this need privileges to bind (Linux `ip_unprivileged_port_start`; 1024 where the OS has no knob). */
  privilegedBelow: number;
}

/**
 * An OS package's `./port-facts` subpath. Reads the caller's own network stack; throws (an EphemeralPortsError) when
 * it cannot, and the facade then asks the backend, which reports what failed.
 */
export interface PortFactsModule {
  readPortFacts(protocols: readonly Protocol[]): PortFacts;
}

const NETNS_FORMS = 'an absolute path such as /proc/<pid>/ns/net or /run/netns/<name>';

/**
 * The one check of a `netns` option, shared by the facade and the Linux backend and census. Only the form is
 * checked; whether the path names a namespace is the kernel's answer (open, setns), reported as its errno.
 */
export function checkNetnsPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidArgType('netns', NETNS_FORMS, value);
  if (!value.startsWith('/') || value.includes('\0')) throw invalidArgValue('netns', value, `must be ${NETNS_FORMS}`);
  return value;
}

/**
 * The checked protocol of a backend call (default `tcp`). `withoutNetns` names an OS that has no network
 * namespaces: a `netns` option is then refused with `ERR_EPHEMERAL_UNSUPPORTED_OPERATION` rather than silently ignored.
 */
export function scopeProtocol(options: ScopeOptions | undefined, withoutNetns?: string): Protocol {
  if (withoutNetns !== undefined && options?.netns !== undefined) {
    throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `${withoutNetns} has no network namespaces (netns)`);
  }
  const protocol = options?.protocol ?? 'tcp';
  checkOneOf('protocol', protocol, PROTOCOLS);
  return protocol;
}
