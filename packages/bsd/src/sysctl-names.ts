/**
 * The BSD port-range sysctls (platform-facts §4.1 FreeBSD, §5 macOS). Both kernels use the same names under
 * `net.inet.ip.portrange.`; FreeBSD adds `reservedlow`/`reservedhigh`/`randomized`, which XNU lacks.
 */
export type BsdOs = 'freebsd' | 'darwin';

export const PORTRANGE_PREFIX = 'net.inet.ip.portrange.';

export const BSD_OIDS = {
  first: `${PORTRANGE_PREFIX}first`,
  last: `${PORTRANGE_PREFIX}last`,
  hifirst: `${PORTRANGE_PREFIX}hifirst`,
  hilast: `${PORTRANGE_PREFIX}hilast`,
  lowfirst: `${PORTRANGE_PREFIX}lowfirst`,
  lowlast: `${PORTRANGE_PREFIX}lowlast`,
  reservedlow: `${PORTRANGE_PREFIX}reservedlow`,
  reservedhigh: `${PORTRANGE_PREFIX}reservedhigh`,
  randomized: `${PORTRANGE_PREFIX}randomized`,
} as const;

export type BsdOidKey = keyof typeof BSD_OIDS;

const COMMON: readonly BsdOidKey[] = ['first', 'last', 'hifirst', 'hilast', 'lowfirst', 'lowlast'];

/** The OIDs a full reading covers on each OS, in the order they are read. */
export const BSD_READ_KEYS: Readonly<Record<BsdOs, readonly BsdOidKey[]>> = Object.freeze({
  freebsd: Object.freeze([...COMMON, 'reservedlow', 'reservedhigh', 'randomized'] as BsdOidKey[]),
  darwin: Object.freeze([...COMMON]),
});

/** Bounds RANGECHK clamps the default and high pairs to (IPPORT_RESERVED..IPPORT_MAX) on both kernels. */
export const BSD_CLAMP = Object.freeze({ min: 1024, max: 65535 });

/** Absolute path of sysctl(8) for the spawn fallback. */
export const BSD_SYSCTL_PATH: Readonly<Record<BsdOs, string>> = Object.freeze({
  freebsd: '/sbin/sysctl',
  darwin: '/usr/sbin/sysctl',
});

export const BSD_OS_LABEL: Readonly<Record<BsdOs, string>> = Object.freeze({ freebsd: 'FreeBSD', darwin: 'macOS' });
