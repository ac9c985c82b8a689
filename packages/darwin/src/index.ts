/**
 * @ephemeral-ports/darwin — reads and sets `net.inet.ip.portrange.first/last` through sysctlbyname (a Node-API
 * addon), reports the high and low ranges, detects silent clamping, rolls back failed changes, and persists with
 * a LaunchDaemon that runs `sysctl -w` at boot. Without the addon it spawns /usr/sbin/sysctl.
 * The Node-side code is shared with the other BSD package: packages/bsd-runtime, imported by relative path so
 * that tsup bundles it (code and types) into each package; it is never published on its own.
 */
import { fileURLToPath } from 'node:url';
import type { BsdSysctlAddon as CoreBsdSysctlAddon, EphemeralPortsBackend } from '@ephemeral-ports/core';
import { type BsdPackageOptions, createBsdPackageBackend } from '../../bsd-runtime/src/index.js';

export { type AddonLoadResult, FORCE_JS_ENV, isBsdSysctlAddon } from '../../bsd-runtime/src/index.js';
// An alias, not `export type { … } from`: the bundled .d.ts would drop the `type` and then claim a value export
// that Node's CommonJS lexer cannot find for ESM importers (attw NamedExports).
export type BsdSysctlAddon = CoreBsdSysctlAddon;

/** Options; defaults: sysctl(8) at `/usr/sbin/sysctl`, persistence in `/Library/LaunchDaemons/org.ephemeral-ports.portrange.plist`. */
export type DarwinBackendOptions = BsdPackageOptions;

/** Both `src/` and `dist/` sit directly under the package root, where binding.gyp and prebuilds/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function createDarwinBackend(options: DarwinBackendOptions = {}): EphemeralPortsBackend {
  return createBsdPackageBackend('darwin', PACKAGE_ROOT, options);
}

/** The facade's uniform entry point. */
export const createBackend = createDarwinBackend;
