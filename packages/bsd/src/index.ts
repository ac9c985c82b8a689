/**
 * @ephemeral-ports/bsd — FreeBSD and macOS. Reads and sets `net.inet.ip.portrange.first/last` through
 * sysctlbyname (a Node-API addon built from native/bsd), reports the high/low ranges (and on FreeBSD
 * reservedlow/reservedhigh and randomized), detects silent clamping, rolls back failed changes, and persists to
 * /etc/sysctl.conf (FreeBSD) or a LaunchDaemon that runs `sysctl -w` at boot (macOS). Without the addon it
 * spawns sysctl(8).
 */
import type { EphemeralPortsBackend } from '@ephemeral-ports/core';
import { type BsdPackageOptions, createBackend } from './create-backend.js';

export { type BsdPackageOptions, createBackend } from './create-backend.js';
export { type AddonLoadResult, FORCE_JS_ENV, isBsdSysctlAddon } from './addon-loader.js';
export { type BsdSysctlAddon, fromNativeError } from './native-port.js';
export { BSD_OIDS, BSD_READ_KEYS, type BsdOidKey, type BsdOs } from './sysctl-names.js';
export { type BsdPortRanges, type SysctlPair, pairFromRange, portRangesFromValues, rangeFromPair } from './port-ranges.js';
export { parseSysctlListing, parseSysctlValues, portRangesFromListing } from './sysctl-output.js';
export { sysctlCommandError } from './sysctl-errors.js';
export { parseSysctlConf, updateSysctlConf } from './sysctl-conf.js';
export { DARWIN_LAUNCHD_PLIST, parseLaunchdPlist, renderLaunchdPlist } from './launchd-plist.js';

/** Options of {@link createFreeBSDBackend}; defaults: sysctl(8) at `/sbin/sysctl`, persistence in /etc/sysctl.conf. */
export type FreeBSDBackendOptions = Omit<BsdPackageOptions, 'os'>;
/** Options of {@link createDarwinBackend}; defaults: `/usr/sbin/sysctl`, the LaunchDaemon plist. */
export type DarwinBackendOptions = Omit<BsdPackageOptions, 'os'>;

/** A FreeBSD backend whatever the host (on another host only the fallback or an injected addon can work). */
export function createFreeBSDBackend(options: FreeBSDBackendOptions = {}): EphemeralPortsBackend {
  return createBackend({ ...options, os: 'freebsd' });
}

/** A macOS backend whatever the host (on another host only the fallback or an injected addon can work). */
export function createDarwinBackend(options: DarwinBackendOptions = {}): EphemeralPortsBackend {
  return createBackend({ ...options, os: 'darwin' });
}
