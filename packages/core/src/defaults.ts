/**
 * Knowledge base of default ephemeral port ranges, per OS and release, each with its source. The facade falls
 * back to it when a live value cannot be read and must then say so (`source: 'default'`): a default is what a
 * fresh system would use, never a reading.
 *
 * Facts and sources: ../shared/docs/platform-facts.md §1.2, §2, §3.3, §4.1, §5, §6, §7.1, §8.1. Entries the
 * doc marks "(unverified)" carry `unverified: true` and say what is unconfirmed.
 */
import type { Protocol, TargetOs } from './platform.js';
import { invalidArgType, invalidArgValue } from './errors.js';
import { type PortRange, describe } from './range.js';

// The shapes of the table's OS-specific columns. Their converters and parsers live in the OS packages, beside the
// backends that read them (@ephemeral-ports/bsd port-ranges.ts, @ephemeral-ports/win32 start-count.ts,
// @ephemeral-ports/aix no-output.ts).

/** A FreeBSD / macOS first-last pair as a range. */
export interface BsdRange {
  readonly range: PortRange;
  /** True when `first > last`: the kernel searches downward, e.g. the default `lowfirst=1023, lowlast=600`. */
  readonly swapped: boolean;
}

/** Windows' start + number of ports. */
export interface WindowsDynamicPortRange {
  /** `Start Port` / `DynamicPortRangeStartPort`. */
  readonly start: number;
  /** `Number of Ports` / `DynamicPortRangeNumberOfPorts` (netsh `num=`). */
  readonly count: number;
}

/** One range per transport, where TCP and UDP are set apart (AIX, illumos, Windows). */
export type PerProtocolRanges = Readonly<Record<Protocol, PortRange>>;

/** Every OS the knowledge base knows: the backend targets plus other Unixes (`sunos` is illumos/Solaris). */
export type KnownOs = TargetOs | 'openbsd' | 'netbsd' | 'illumos' | 'sunos';
export const KNOWN_OSES: readonly KnownOs[] = Object.freeze([
  'linux',
  'freebsd',
  'darwin',
  'aix',
  'win32',
  'openbsd',
  'netbsd',
  'illumos',
  'sunos',
]);

/** What `defaultRange` answers for: an OS, or a standard's recommendation. */
export type DefaultsSubject = KnownOs | 'iana' | 'rfc6056';
export const DEFAULTS_SUBJECTS: readonly DefaultsSubject[] = Object.freeze([...KNOWN_OSES, 'iana', 'rfc6056']);

export interface DefaultRangeEntry {
  /** The releases it applies to, for humans, e.g. `Linux 4.2 and later`. */
  readonly releases: string;
  /** Inclusive lower bound of the release version, when the default depends on it. */
  readonly since?: readonly number[];
  /** Exclusive upper bound of the release version. */
  readonly until?: readonly number[];
  /** The default ephemeral range (on AIX/Windows: of TCP; see `protocols`). */
  readonly range: PortRange;
  /** One range per protocol, where TCP and UDP are set separately (AIX, illumos, Windows). */
  readonly protocols?: PerProtocolRanges;
  /** Windows' native form of `range`. */
  readonly windows?: WindowsDynamicPortRange;
  /** BSD `IP_PORTRANGE_HIGH` range (`hifirst`/`hilast`, OpenBSD `porthifirst`/`porthilast`). */
  readonly high?: PortRange;
  /** BSD `IP_PORTRANGE_LOW` range; `swapped` because it is stored 1023..600 and searched downward. */
  readonly low?: BsdRange;
  /** Where the value comes from: commit, source file, document or KB number. */
  readonly source: string;
  /** True when the doc marks the value or its release boundary unverified. */
  readonly unverified: boolean;
  /** What exactly is unverified. */
  readonly unverifiedReason?: string;
  readonly notes?: readonly string[];
}

export interface DefaultRange extends DefaultRangeEntry {
  readonly os: DefaultsSubject;
  /**
   * How the entry was chosen: `version` = matched the given release; `current` = no usable version was given,
   * so the current default is assumed (see `note`); `only` = the default does not depend on the release.
   */
  readonly basis: 'version' | 'current' | 'only';
  /** Why the current default was assumed. */
  readonly note?: string;
}

const r = (low: number, high: number): PortRange => Object.freeze({ low, high });
const both = (range: PortRange): PerProtocolRanges => Object.freeze({ tcp: range, udp: range });
const BSD_LOW: BsdRange = Object.freeze({ range: r(600, 1023), swapped: true });
const NEW_NETNS_NOTE =
  'every new network namespace starts from the compiled-in default (inet_init_net), not from the host value';

const ILLUMOS: DefaultRangeEntry[] = [
  {
    releases: 'illumos and Solaris 11',
    range: r(32768, 65535),
    protocols: both(r(32768, 65535)),
    source:
      'Oracle Solaris 11 docs (ipadm show-prop smallest_anon_port/largest_anon_port); ' +
      'illumos-gate usr/src/uts/common/inet/tcp/tcp_tunables.c',
    unverified: false,
  },
];

/** Entries per subject, newest release first; the first entry is the current default. */
export const DEFAULT_RANGES: Readonly<Record<DefaultsSubject, readonly DefaultRangeEntry[]>> = deepFreeze({
  linux: [
    {
      releases: 'Linux 4.2 and later',
      since: [4, 2],
      range: r(32768, 60999),
      source:
        'torvalds/linux commit 07f4c90062f8 (4.2, "tcp/dccp: try to not exhaust ip_local_port_range in connect()"); ' +
        'inet_init_net() in net/ipv4/af_inet.c; Documentation/networking/ip-sysctl.rst',
      unverified: false,
      notes: [NEW_NETNS_NOTE],
    },
    {
      releases: 'Linux before 4.2',
      until: [4, 2],
      range: r(32768, 61000),
      source: 'torvalds/linux before commit 07f4c90062f8',
      unverified: false,
      notes: [
        'very old 2.4/2.6 kernels scaled the default by RAM, e.g. 1024-4999 on small machines (unverified)',
        NEW_NETNS_NOTE,
      ],
    },
  ],
  freebsd: [
    {
      releases: 'FreeBSD 10.0 and later (current)',
      since: [10, 0],
      range: r(10000, 65535),
      high: r(49152, 65535),
      low: BSD_LOW,
      source:
        'freebsd/freebsd-src sys/netinet/in.h: IPPORT_EPHEMERALFIRST/LAST, IPPORT_HIFIRSTAUTO/HILASTAUTO, ' +
        'IPPORT_RESERVED - 1 / IPPORT_RESERVEDSTART',
      unverified: true,
      unverifiedReason:
        'the value is current source; the release that moved first from 49152 to 10000 is commonly quoted ' +
        'as 10.0 but not confirmed',
    },
    {
      releases: 'FreeBSD 4.6 to 9.x',
      since: [4, 6],
      until: [10, 0],
      range: r(49152, 65535),
      source: 'FreeBSD sys/netinet/in.h history; still the default in a February 2007 mailing-list post',
      unverified: true,
      unverifiedReason: 'the last release with this default is not confirmed (see the 10.0 entry)',
    },
    {
      releases: 'FreeBSD before 4.6',
      until: [4, 6],
      range: r(1024, 5000),
      source: 'FreeBSD sys/netinet/in.h history (classic BSD IPPORT_RESERVED..IPPORT_USERRESERVED)',
      unverified: false,
    },
  ],
  darwin: [
    {
      releases: 'macOS (all releases)',
      range: r(49152, 65535),
      high: r(49152, 65535),
      low: BSD_LOW,
      source: 'apple-oss-distributions/xnu bsd/netinet/in_pcb.c; sample `sysctl net.inet.ip.portrange` output',
      unverified: false,
    },
  ],
  openbsd: [
    {
      releases: 'OpenBSD (all releases)',
      range: r(1024, 49151),
      high: r(49152, 65535),
      low: BSD_LOW,
      source:
        'openbsd/src sys/netinet/in.h: IPPORT_RESERVED, IPPORT_USERRESERVED, IPPORT_HIFIRSTAUTO/HILASTAUTO ' +
        '(net.inet.ip.portfirst/portlast, porthifirst/porthilast)',
      unverified: false,
    },
  ],
  netbsd: [
    {
      releases: 'NetBSD (all releases)',
      range: r(49152, 65535),
      low: Object.freeze({ range: r(600, 1023), swapped: false }),
      source: 'NetBSD/src sys/netinet/in.h, sys/netinet/tcp_usrreq.c (net.inet.ip.anonportmin/anonportmax)',
      unverified: false,
      notes: ['IPv6 has its own copy (net.inet6.ip6.anonportmin/anonportmax) with the same default'],
    },
  ],
  illumos: ILLUMOS,
  sunos: ILLUMOS, // process.platform says 'sunos' on illumos and Solaris
  aix: [
    {
      releases: 'AIX (all supported releases)',
      range: r(32768, 65535),
      protocols: both(r(32768, 65535)),
      source:
        'IBM AIX "no Command" docs (tcp_ephemeral_low/high, udp_ephemeral_low/high); IBM RSCT 3.2 ' +
        '"Ephemeral ports"; SAS note 43946',
      unverified: false,
    },
  ],
  win32: [
    {
      releases: 'Windows Vista / Server 2008 and later',
      since: [6, 0],
      range: r(49152, 65535),
      protocols: both(r(49152, 65535)),
      windows: Object.freeze({ start: 49152, count: 16384 }),
      source: 'KB929851 "The default dynamic port range for TCP/IP has changed since Windows Vista"',
      unverified: false,
    },
    {
      releases: 'Windows XP / Server 2003 and earlier',
      until: [6, 0],
      range: r(1025, 5000),
      protocols: both(r(1025, 5000)),
      windows: Object.freeze({ start: 1025, count: 3976 }),
      source: 'KB929851; MaxUserPort (HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters, default 5000)',
      unverified: false,
    },
  ],
  iana: [
    {
      releases: 'RFC 6335 §6 (Dynamic and/or Private Ports)',
      range: r(49152, 65535),
      source: 'RFC 6335 §6; IANA Service Name and Transport Protocol Port Number Registry',
      unverified: false,
    },
  ],
  rfc6056: [
    {
      releases: 'RFC 6056 §3.2 (BCP 156)',
      range: r(1024, 65535),
      source: 'RFC 6056 §3.2: ephemeral port selection should use the whole 1024-65535 space',
      unverified: false,
      notes: ['ports that local services need should be left out of the pool (reserved)'],
    },
  ],
} satisfies Record<DefaultsSubject, DefaultRangeEntry[]>);

/**
 * Reads the leading dotted version of a release string: `6.1.0-18-amd64` → [6, 1, 0], `14.1-RELEASE` →
 * [14, 1], `10.0.19045` → [10, 0, 19045]. Returns null when there is none.
 */
export function parseReleaseVersion(release: string): number[] | null {
  const m = /^\s*v?(\d{1,9}(?:\.\d{1,9})*)/i.exec(release);
  return m ? m[1]!.split('.').map(Number) : null;
}

/** Compares dotted versions; missing components count as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * The default range of `os` for the given release (`uname -r` on Unix, `10.0.19045` on Windows). Without a
 * version, or with one it cannot read, it returns the current default and says so in `note`.
 * Throws `ERR_INVALID_ARG_VALUE` for an unknown OS, `ERR_INVALID_ARG_TYPE` for a version that is not a string.
 */
export function defaultRange(os: DefaultsSubject, version?: string): DefaultRange {
  const entries = (DEFAULT_RANGES as Partial<Record<string, readonly DefaultRangeEntry[]>>)[os as string];
  if (!Object.hasOwn(DEFAULT_RANGES, os as string) || !entries) {
    throw invalidArgValue('os', os, `has no known default range (known: ${DEFAULTS_SUBJECTS.join(', ')})`);
  }
  if (version !== undefined && typeof version !== 'string') throw invalidArgType('version', 'of type string', version);
  const current = entries[0]!;
  if (entries.length === 1) return Object.freeze({ os, ...current, basis: 'only' as const });

  const parsed = version === undefined ? null : parseReleaseVersion(version);
  if (parsed) {
    const match = entries.find(
      (e) =>
        (e.since === undefined || compareVersions(parsed, e.since) >= 0) &&
        (e.until === undefined || compareVersions(parsed, e.until) < 0),
    );
    if (match) return Object.freeze({ os, ...match, basis: 'version' as const });
  }
  const note =
    version === undefined
      ? `no release given; assuming the current default (${current.releases})`
      : `cannot read a version from ${describe(version)}; assuming the current default (${current.releases})`;
  return Object.freeze({ os, ...current, basis: 'current' as const, note });
}

/** The default range of one protocol (AIX, illumos and Windows keep TCP and UDP separately). */
export function defaultProtocolRange(os: DefaultsSubject, protocol: Protocol, version?: string): PortRange {
  const d = defaultRange(os, version);
  return d.protocols?.[protocol] ?? d.range;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
