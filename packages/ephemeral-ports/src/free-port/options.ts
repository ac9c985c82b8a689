/**
 * Options of {@link getFreePort} and friends, and their validation. get-port's options (`port`, `exclude`,
 * `host`) keep get-port's meaning; the rest are ours. Bad input throws before any port is locked or probed, the way
 * Node does: a TypeError (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`) or a RangeError (`ERR_OUT_OF_RANGE`).
 */
import {
  type PortRange,
  PortSet,
  type Protocol,
  checkBoolean,
  checkInteger,
  checkObject,
  checkOneOf,
  checkRange,
  invalidArgType,
  invalidArgValue,
} from './from-core.js';
import type { LockNotice } from './lock-notices.js';
import { ALL_ADDRESSES_PLAN, type ProbePlan, type TestBindOptions, defaultProbePlan } from './probe.js';

/** Which transports must be free: `both` asks for a port free for TCP and UDP at once (portpicker's rule). */
export type FreePortProtocol = 'tcp' | 'udp' | 'both';
export const FREE_PORT_PROTOCOLS: readonly FreePortProtocol[] = Object.freeze(['tcp', 'udp', 'both']);

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

/** A preferred port that was honoured although a kernel rule would have kept the search away from it. */
export type PreferredNotice = PortRejection & { reason: 'ephemeral' | 'reserved' | 'excluded-range' | 'privileged' };

export interface NormalizedOptions {
  preferred: Iterable<number> | undefined;
  /**
   * `refuse` (getFreePort): a preferred port inside an avoided set is refused like any other. `honour` (get-port):
   * only `exclude`, locks and the bind decide; a port honoured despite a kernel rule is passed to `onHonoured`.
   */
  preferredPolicy: 'refuse' | 'honour';
  onHonoured: ((notice: PreferredNotice) => void) | undefined;
  /** Called with a lock-layer notice that the lock of `port` caused (besides the result's `warnings`). */
  onLockNotice: ((notice: LockNotice, port: number) => void) | undefined;
  exclude: PortSet;
  protocols: Protocol[];
  /** The caller's `host`, when given: a bind refused as "no such address" then fails the call at once. */
  host: string | undefined;
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

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/** A port number (0-65535): TypeError for a non-number, RangeError for a number that is not one. */
export function checkPortNumber(value: unknown, name: string): number {
  checkInteger(name, value, 0, 65_535);
  return value;
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value !== undefined) checkBoolean(name, value);
  return value;
}

function toPortSet(value: unknown, name: string): PortSet {
  if (value === undefined) return PortSet.EMPTY;
  if (value instanceof PortSet) return value;
  if (!isIterable(value)) throw invalidArgType(name, 'an iterable of port numbers', value);
  const ranges: PortRange[] = [];
  for (const item of value) {
    if (typeof item === 'number') {
      checkPortNumber(item, `${name}[]`);
      ranges.push({ low: item, high: item });
    } else if (typeof item === 'object' && item !== null) {
      ranges.push(checkRange(item, `${name}[]`));
    } else {
      throw invalidArgType(`${name}[]`, 'a port number or a {low, high} object', item);
    }
  }
  return PortSet.fromRanges(ranges);
}

function checkPreferred(value: unknown): Iterable<number> | undefined {
  if (value === undefined || value === 0) return undefined;
  if (typeof value === 'number') return [checkPortNumber(value, 'options.port')];
  if (Array.isArray(value) || value instanceof Set) {
    // A finite collection is checked whole, up front: a bad entry is refused before anything is locked.
    const list = [...(value as Iterable<unknown>)];
    for (const item of list) checkPortNumber(item, 'options.port[]');
    return (list as number[]).filter((p) => p !== 0);
  }
  if (isIterable(value)) {
    // Lazy, like get-port: a generator of 60 000 ports is never materialized. Entries are checked as they come.
    return (function* () {
      for (const item of value) if (checkPortNumber(item, 'options.port[]') !== 0) yield item as number;
    })();
  }
  throw invalidArgType('options.port', 'a port number or an iterable of port numbers', value);
}

function checkProtocols(value: unknown): Protocol[] {
  if (value === undefined) return ['tcp'];
  checkOneOf('options.protocol', value, FREE_PORT_PROTOCOLS);
  return value === 'both' ? ['tcp', 'udp'] : [value];
}

function checkHost(host: unknown): string | undefined {
  if (host === undefined) return undefined;
  if (typeof host !== 'string') throw invalidArgType('options.host', 'of type string', host);
  if (host.length === 0 || host.includes('\0')) throw invalidArgValue('options.host', host, 'must be an IP address or a host name');
  return host;
}

function checkPlan(host: string | undefined, addresses: unknown): ProbePlan {
  if (addresses !== undefined) checkOneOf('options.addresses', addresses, ['auto', 'all'] as const);
  if (host !== undefined) return { addresses: [host], firstBoundSuffices: false };
  return addresses === 'all' ? ALL_ADDRESSES_PLAN : defaultProbePlan();
}

/** Validates everything up front; throws a TypeError or RangeError (with Node's code) naming the first bad option. */
export function normalizeOptions(options: FreePortOptions | undefined, testBind?: TestBindOptions): NormalizedOptions {
  const o = options ?? {};
  checkObject('options', o);
  const a = o.avoid ?? {};
  checkObject('options.avoid', a, 'an object such as { ephemeral: true, ports: [...] }');
  const leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  checkInteger('options.leaseMs', leaseMs, 0, MAX_LEASE_MS);
  const order = o.order ?? 'random';
  checkOneOf('options.order', order, ['random', 'ascending'] as const);
  if (o.seed !== undefined) checkInteger('options.seed', o.seed, 0, 0xffff_ffff);
  if (o.onReject !== undefined && typeof o.onReject !== 'function') throw invalidArgType('options.onReject', 'a function', o.onReject);
  const host = checkHost(o.host);
  const plan = checkPlan(host, o.addresses);
  return {
    preferred: checkPreferred(o.port),
    preferredPolicy: 'refuse',
    onHonoured: undefined,
    onLockNotice: undefined,
    exclude: toPortSet(o.exclude, 'options.exclude'),
    protocols: checkProtocols(o.protocol),
    host,
    plan: testBind === undefined ? plan : { ...plan, testBind },
    avoid: {
      ephemeral: optionalBoolean(a.ephemeral, 'options.avoid.ephemeral') ?? true,
      reserved: optionalBoolean(a.reserved, 'options.avoid.reserved') ?? true,
      privileged: optionalBoolean(a.privileged, 'options.avoid.privileged') ?? true,
      ports: toPortSet(a.ports, 'options.avoid.ports'),
    },
    range: o.range === undefined ? undefined : checkRange(o.range, 'options.range'),
    hold: (optionalBoolean(o.hold, 'options.hold') ?? false) || (optionalBoolean(o.reserve, 'options.reserve') ?? false),
    leaseMs,
    order,
    seed: o.seed,
    onReject: o.onReject,
  };
}
