/**
 * Safety checks a caller can ask for before changing the ephemeral range. These are about consequences, not
 * about what the kernel accepts (that is `validate.ts`). Each finding is a {@link Diagnostic} with a stable code.
 *
 * Severity policy — the facade refuses a change with any `error` unless `force` is given (`ERR_EPHEMERAL_UNSAFE_CHANGE`):
 * - `error`: `SAFETY_RANGE_TOO_SMALL`, `SAFETY_OVERLAPS_LISTENING`, `SAFETY_OVERLAPS_SYSTEM_PORTS`, and
 *   `SAFETY_OVERLAPS_NODEPORT` when the caller passed the cluster's NodePort range explicitly.
 * - `warning`: `SAFETY_OVERLAPS_NODEPORT` against the default 30000–32767 (the host may not run Kubernetes).
 * - `info`: `SAFETY_OVERLAPS_RESERVED` — reserved/excluded ports inside the range are skipped by automatic
 *   assignment, which is what they are for; the effective size shrinks, which the size check accounts for.
 */
import type { Diagnostic } from './errors.js';
import { checkInteger } from './errors.js';
import { IANA_SYSTEM_PORTS } from './iana.js';
import { type PortRange, PortSet, checkRange, formatRange, rangeSize } from './range.js';
import { assertValidPortList } from './validate.js';

/**
 * Default minimum number of usable ports. With Linux's fixed 60 s TIME_WAIT a range of N ports sustains about
 * N / 60 new connections per second to one destination; 1024 ports give ~17/s, a rate an ordinary HTTP client
 * without keep-alive or a busy CI job reaches, after which connect() fails with EADDRNOTAVAIL. It is also 4×
 * Windows' hard minimum of 255. Tests that want a tiny range on purpose lower `minSize` or pass `force`.
 */
export const DEFAULT_MIN_RANGE_SIZE = 1024;

/** Kubernetes' default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE: PortRange = Object.freeze({ low: 30000, high: 32767 });

export const SafetyCodes = {
  TOO_SMALL: 'SAFETY_RANGE_TOO_SMALL',
  OVERLAPS_LISTENING: 'SAFETY_OVERLAPS_LISTENING',
  OVERLAPS_NODEPORT: 'SAFETY_OVERLAPS_NODEPORT',
  OVERLAPS_SYSTEM_PORTS: 'SAFETY_OVERLAPS_SYSTEM_PORTS',
  OVERLAPS_RESERVED: 'SAFETY_OVERLAPS_RESERVED',
} as const;

/** Ports given as a PortSet, or any iterable of port numbers and `{low, high}` ranges. */
export type PortList = PortSet | Iterable<number | PortRange>;

export interface SafetyOptions {
  /** Minimum usable ports (range minus reserved). Default {@link DEFAULT_MIN_RANGE_SIZE}; 0 disables. */
  minSize?: number;
  /** Ports with a listening socket now (TCP or UDP), as ports or ranges. */
  listeningPorts?: PortList;
  /**
   * The cluster's NodePort range. Omitted: the Kubernetes default, reported as a warning. Given: reported as
   * an error. `null`: not checked.
   */
  nodePortRange?: PortRange | null;
  /** Check overlap with IANA system ports 0–1023. Default true. */
  checkSystemPorts?: boolean;
  /** Reserved (Linux `ip_local_reserved_ports`) or excluded (Windows) ports, as ports or ranges. */
  reservedPorts?: PortList;
}

const MAX_LISTED = 10;

/** "fewer than 1 new connection per second", "about 1 new connection ...", "about 17 new connections ...". */
function connectionRate(perSecond: number): string {
  const n = Math.floor(perSecond);
  if (n < 1) return 'fewer than 1 new connection per second';
  return `only about ${n} new connection${n === 1 ? '' : 's'} per second`;
}

/** Runs every safety check on `range`; returns the findings (empty = nothing to say). */
export function checkRangeSafety(range: PortRange, options: SafetyOptions = {}): Diagnostic[] {
  const target = checkRange(range);
  const out: Diagnostic[] = [];
  const reserved = asPortSet(options.reservedPorts, 'reserved ports').intersect(target);
  const listening = asPortSet(options.listeningPorts, 'listening ports').intersect(target);

  const minSize = options.minSize ?? DEFAULT_MIN_RANGE_SIZE;
  checkInteger('minSize', minSize, 0, Number.MAX_SAFE_INTEGER);
  const usable = rangeSize(target) - reserved.size;
  if (usable < minSize) {
    const minus = reserved.isEmpty ? '' : ` (${rangeSize(target)} minus ${reserved.size} reserved)`;
    out.push({
      code: SafetyCodes.TOO_SMALL,
      severity: 'error',
      message:
        `${formatRange(target)} leaves ${usable} usable port${usable === 1 ? '' : 's'}${minus}, fewer than the minimum ` +
        `of ${minSize}; with a 60 s TIME_WAIT that sustains ${connectionRate(usable / 60)} to one destination`,
    });
  }

  if (!listening.isEmpty) {
    out.push({
      code: SafetyCodes.OVERLAPS_LISTENING,
      severity: 'error',
      message:
        `${formatRange(target)} contains ${listing(listening)} where services listen now; after a restart an ` +
        'outgoing connection can take such a port first and the service fails with EADDRINUSE',
    });
  }

  if (options.nodePortRange !== null) {
    const explicit = options.nodePortRange !== undefined;
    const nodePorts = explicit ? checkRange(options.nodePortRange, 'nodePortRange') : DEFAULT_NODE_PORT_RANGE;
    const overlap = PortSet.of(nodePorts).intersect(target);
    if (!overlap.isEmpty) {
      out.push({
        code: SafetyCodes.OVERLAPS_NODEPORT,
        severity: explicit ? 'error' : 'warning',
        message:
          `${formatRange(target)} overlaps the ${explicit ? '' : 'default '}Kubernetes NodePort range ` +
          `${formatRange(nodePorts)} (${overlap.size} ports, ${overlap}); Kubernetes requires them not to ` +
          'overlap, or kube-proxy/NodePort services can lose their ports to outgoing connections',
      });
    }
  }

  if (options.checkSystemPorts !== false) {
    const overlap = PortSet.of(IANA_SYSTEM_PORTS).intersect(target);
    if (!overlap.isEmpty) {
      out.push({
        code: SafetyCodes.OVERLAPS_SYSTEM_PORTS,
        severity: 'error',
        message:
          `${formatRange(target)} includes ${overlap.size} system ports (${overlap}, IANA 0-1023); outgoing ` +
          'connections could occupy well-known service ports such as 22 or 443 before their daemons start',
      });
    }
  }

  if (!reserved.isEmpty) {
    out.push({
      code: SafetyCodes.OVERLAPS_RESERVED,
      severity: 'info',
      message:
        `${listing(reserved)} inside ${formatRange(target)} ${reserved.size === 1 ? 'is' : 'are'} reserved and ` +
        `will not be assigned automatically; ${usable} of ${rangeSize(target)} ports remain usable`,
    });
  }
  return out;
}

/** True when none of `diagnostics` is an error, i.e. the facade would proceed without `force`. */
export function isSafe(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== 'error');
}


function asPortSet(value: PortList | undefined, name: string): PortSet {
  if (value === undefined) return PortSet.EMPTY;
  if (value instanceof PortSet) return value;
  const iterable = typeof value === 'object' && value !== null && Symbol.iterator in value;
  if (!iterable) {
    return assertValidPortList(value, name); // throws ERR_EPHEMERAL_INVALID_PORT_LIST with a clear message
  }
  return assertValidPortList([...value], name);
}

/** `port 8080` / `ports 80, 443-445 and 3 more ranges`. */
function listing(ports: PortSet): string {
  const shown = ports.ranges.slice(0, MAX_LISTED).map(formatRange).join(', ');
  const more = ports.ranges.length > MAX_LISTED ? ` and ${ports.ranges.length - MAX_LISTED} more ranges` : '';
  return `${ports.size === 1 ? 'port' : 'ports'} ${shown}${more}`;
}
