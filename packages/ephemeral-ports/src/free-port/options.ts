/**
 * Options of {@link getFreePort} and friends, and their validation. get-port's options (`port`, `exclude`,
 * `host`) keep get-port's meaning; the rest are ours. Bad input throws `ERR_INVALID_ARGUMENT` before any port is
 * locked or probed.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  PortSet,
  type Protocol,
  assertPort,
  describe,
  portRange,
} from '@ephemeral-ports/core';
import { ALL_ADDRESSES_PLAN, type ProbePlan, defaultProbePlan } from './probe.js';

/** Which transports must be free: `both` asks for a port free for TCP and UDP at once (portpicker's rule). */
export type FreePortProtocol = 'tcp' | 'udp' | 'both';

/** Why a port was not handed out. Every reason but the probe ones is decided without touching a socket. */
export type RejectReason =
  /** In the caller's `exclude` list. */
  | 'excluded'
  /** In the caller's `avoid.ports`. */
  | 'avoided'
  /** Inside the live ephemeral range: the kernel may hand it to any `connect()` at any moment. */
  | 'ephemeral'
  /** In Linux `ip_local_reserved_ports`. */
  | 'reserved'
  /** In a Windows excluded port range (Hyper-V, WinNAT, Docker, administered): binding gives EACCES. */
  | 'excluded-range'
  /** Below the privileged boundary (needs root / CAP_NET_BIND_SERVICE). */
  | 'privileged'
  /** Held or leased by another process (or another call in this one) through these functions. */
  | 'locked'
  /** A bind failed with EADDRINUSE: something holds it on some address. */
  | 'in-use'
  /** A bind failed with EACCES/EPERM: forbidden here (excluded range, privileged, security policy). */
  | 'forbidden'
  /** A bind failed with another error (EMFILE, ...); the port was not proven free. */
  | 'error';

/** One refused port and why; see {@link FreePortOptions.onReject}. */
export interface PortRejection {
  port: number;
  reason: RejectReason;
  /** For probe reasons: the transport, address and errno name of the refused bind. */
  protocol?: Protocol;
  address?: string;
  code?: string;
  /** One human sentence. */
  message: string;
}

/** What to keep clear of, on top of `exclude`. Every kernel-derived default is on unless set to `false`. */
export interface AvoidOptions {
  /** The live ephemeral range of each protocol checked. Default true. */
  ephemeral?: boolean;
  /** Linux reserved ports / Windows excluded port ranges. Default true. */
  reserved?: boolean;
  /** Ports below `ip_unprivileged_port_start` (1024 where the OS does not say). Default true. */
  privileged?: boolean;
  /** More ports or ranges to avoid. */
  ports?: PortSet | Iterable<number | PortRange>;
}

export interface FreePortOptions {
  /**
   * get-port: a preferred port, or an iterable of them (e.g. {@link portNumbers}), tried in order before the
   * search. A preferred port inside `avoid` is refused too (with its reason); `0` entries mean "no preference".
   */
  port?: number | Iterable<number>;
  /** get-port: ports never to return. */
  exclude?: Iterable<number>;
  /**
   * get-port: check only this host (an IP address or a name to resolve). Default: every relevant address (see
   * `addresses`).
   */
  host?: string;
  /** `tcp` (default), `udp`, or `both`: the port must be bindable for each. */
  protocol?: FreePortProtocol;
  /** What to avoid; defaults to the live ephemeral range, reserved/excluded ports and privileged ports. */
  avoid?: AvoidOptions;
  /** Where to search once the preferred ports are exhausted. Default 1024-65535. */
  range?: PortRange;
  /**
   * Keep the port locked machine-wide for this process until {@link releasePort} (or the process ends), instead of
   * the short lease of `leaseMs`. Other processes' {@link getFreePort} never return a held port.
   */
  hold?: boolean;
  /** get-port's name for `hold` (`reserve: true` locks the port for the life of the process). */
  reserve?: boolean;
  /**
   * How long a port not held stays locked against other callers, in ms (the lease ends in the next 100 ms sweep
   * after that). Default 15 000 (get-port locks in-process for 15–30 s).
   */
  leaseMs?: number;
  /**
   * Addresses to bind when no `host` is given. `auto` (default): Linux binds `::` dual-stack, which the kernel
   * checks against every address of both families (falling back to `0.0.0.0` without IPv6); other OSes bind each of
   * `::`, `0.0.0.0`, `127.0.0.1`, `::1`. `all`: bind each of the four everywhere.
   */
  addresses?: 'auto' | 'all';
  /** `random` (default; processes rarely contend) or `ascending` (lowest free port first). */
  order?: 'random' | 'ascending';
  /** Seed of the random order, for reproducible runs. */
  seed?: number;
  /** Called for every refused candidate with the reason (preferred ports, locked ports, failed probes). */
  onReject?: (rejection: PortRejection) => void;
}

export interface NormalizedOptions {
  preferred: Iterable<number> | undefined;
  exclude: PortSet;
  protocols: Protocol[];
  plan: ProbePlan;
  avoid: { ephemeral: boolean; reserved: boolean; privileged: boolean; ports: PortSet };
  range: PortRange | undefined;
  hold: boolean;
  leaseMs: number;
  order: 'random' | 'ascending';
  seed: number | undefined;
  onReject: ((rejection: PortRejection) => void) | undefined;
}

export const DEFAULT_LEASE_MS = 15_000;
const MAX_LEASE_MS = 2 ** 31 - 1;

function invalid(message: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, message);
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

function checkBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalid(`${name} must be true or false, got ${describe(value)}`);
}

function toPortSet(value: unknown, name: string): PortSet {
  if (value === undefined) return PortSet.EMPTY;
  if (value instanceof PortSet) return value;
  if (!isIterable(value) || typeof value === 'string') throw invalid(`${name} must be an iterable of ports, got ${describe(value)}`);
  const ranges: PortRange[] = [];
  for (const item of value) {
    if (typeof item === 'number') {
      assertPort(item, `each entry of ${name}`);
      ranges.push({ low: item, high: item });
    } else if (typeof item === 'object' && item !== null) {
      const { low, high } = item as Record<string, unknown>;
      assertPort(low, `${name} entry low`);
      assertPort(high, `${name} entry high`);
      ranges.push(portRange(low, high));
    } else {
      throw invalid(`each entry of ${name} must be a port number or {low, high}, got ${describe(item)}`);
    }
  }
  return PortSet.fromRanges(ranges);
}

function checkPreferred(value: unknown): Iterable<number> | undefined {
  if (value === undefined || value === 0) return undefined;
  if (typeof value === 'number') {
    assertPort(value, 'port');
    return [value];
  }
  if (Array.isArray(value) || value instanceof Set) {
    // A finite collection is checked whole, up front: a bad entry is refused before anything is locked.
    const list = [...(value as Iterable<unknown>)];
    for (const item of list) assertPort(item, 'each preferred port');
    return (list as number[]).filter((p) => p !== 0);
  }
  if (isIterable(value) && typeof value !== 'string') {
    // Lazy, like get-port: a generator of 60 000 ports is never materialized. Entries are checked as they come.
    return (function* () {
      for (const item of value) {
        assertPort(item, 'each preferred port');
        if (item !== 0) yield item;
      }
    })();
  }
  throw invalid(`port must be a port number or an iterable of port numbers, got ${describe(value)}`);
}

function checkProtocols(value: unknown): Protocol[] {
  if (value === undefined || value === 'tcp') return ['tcp'];
  if (value === 'udp') return ['udp'];
  if (value === 'both') return ['tcp', 'udp'];
  throw invalid(`protocol must be "tcp", "udp" or "both", got ${describe(value)}`);
}

function checkPlan(host: unknown, addresses: unknown): ProbePlan {
  if (addresses !== undefined && addresses !== 'auto' && addresses !== 'all') {
    throw invalid(`addresses must be "auto" or "all", got ${describe(addresses)}`);
  }
  if (host !== undefined) {
    if (typeof host !== 'string' || host.length === 0 || host.includes('\0')) {
      throw invalid(`host must be a non-empty IP address or host name, got ${describe(host)}`);
    }
    return { addresses: [host], firstBoundSuffices: false };
  }
  return addresses === 'all' ? ALL_ADDRESSES_PLAN : defaultProbePlan();
}

function checkRange(value: unknown): PortRange | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalid(`range must be {low, high}, got ${describe(value)}`);
  const { low, high } = value as Record<string, unknown>;
  assertPort(low, 'range.low');
  assertPort(high, 'range.high');
  return portRange(low, high);
}

/** Validates everything up front; throws `ERR_INVALID_ARGUMENT` naming the first bad option. */
export function normalizeOptions(options: FreePortOptions | undefined): NormalizedOptions {
  const o: FreePortOptions = options ?? {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalid(`options must be an object, got ${describe(o)}`);
  const avoid: unknown = o.avoid ?? {};
  if (typeof avoid !== 'object' || avoid === null || Array.isArray(avoid)) {
    throw invalid(`avoid must be an object such as { ephemeral: true, ports: [...] }, got ${describe(avoid)}`);
  }
  const a = avoid as AvoidOptions;
  const leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  if (!Number.isInteger(leaseMs) || leaseMs < 0 || leaseMs > MAX_LEASE_MS) {
    throw invalid(`leaseMs must be an integer from 0 to ${MAX_LEASE_MS}, got ${describe(leaseMs)}`);
  }
  const order = o.order ?? 'random';
  if (order !== 'random' && order !== 'ascending') throw invalid(`order must be "random" or "ascending", got ${describe(order)}`);
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff)) {
    throw invalid(`seed must be an integer from 0 to 2^32-1, got ${describe(o.seed)}`);
  }
  if (o.onReject !== undefined && typeof o.onReject !== 'function') throw invalid(`onReject must be a function, got ${describe(o.onReject)}`);
  return {
    preferred: checkPreferred(o.port),
    exclude: toPortSet(o.exclude, 'exclude'),
    protocols: checkProtocols(o.protocol),
    plan: checkPlan(o.host, o.addresses),
    avoid: {
      ephemeral: checkBoolean(a.ephemeral, 'avoid.ephemeral') ?? true,
      reserved: checkBoolean(a.reserved, 'avoid.reserved') ?? true,
      privileged: checkBoolean(a.privileged, 'avoid.privileged') ?? true,
      ports: toPortSet(a.ports, 'avoid.ports'),
    },
    range: checkRange(o.range),
    hold: (checkBoolean(o.hold, 'hold') ?? false) || (checkBoolean(o.reserve, 'reserve') ?? false),
    leaseMs,
    order,
    seed: o.seed,
    onReject: o.onReject,
  };
}
