/**
 * @ephemeral-ports/darwin — reads and sets `net.inet.ip.portrange.first/last` through sysctlbyname (a Node-API
 * addon), reports the high and low ranges, detects silent clamping, rolls back failed changes, and persists with
 * a LaunchDaemon that runs `sysctl -w` at boot. Without the addon it spawns /usr/sbin/sysctl.
 */
import { release } from 'node:os';
import {
  type BsdSysctlAddon,
  type EphemeralPortsBackend,
  type RunCommand,
  createAddonSysctlPort,
  createBsdBackend,
  createCommandSysctlPort,
} from '@ephemeral-ports/core';
import { configFiles, runCommand } from './io.js';
import { loadBsdAddon } from './native.js';

export { FORCE_JS_ENV, isBsdSysctlAddon, loadBsdAddon, type AddonLoadResult, type BsdSysctlAddon } from './native.js';

export interface DarwinBackendOptions {
  /** An addon to use instead of loading one; `null` forces the sysctl(8) fallback. */
  addon?: BsdSysctlAddon | null;
  /** sysctl(8) for the fallback; absolute. Default `/usr/sbin/sysctl`. */
  sysctlPath?: string;
  /** Runs sysctl(8); default execFile without a shell. */
  run?: RunCommand;
  /** Default persistence file. Default `/Library/LaunchDaemons/org.ephemeral-ports.portrange.plist`. */
  persistFile?: string;
}

export function createDarwinBackend(options: DarwinBackendOptions = {}): EphemeralPortsBackend {
  const loaded = options.addon === undefined ? loadBsdAddon() : null;
  const addon = options.addon ?? loaded?.addon;
  const common = { os: 'darwin' as const, files: configFiles, release: release(), persistFile: options.persistFile };
  if (addon) {
    return createBsdBackend({ ...common, port: createAddonSysctlPort('darwin', addon), implementation: 'native' });
  }
  const port = createCommandSysctlPort({
    os: 'darwin',
    run: options.run ?? runCommand,
    ...(options.sysctlPath !== undefined ? { sysctlPath: options.sysctlPath } : {}),
  });
  return createBsdBackend({
    ...common,
    port,
    implementation: 'js-fallback',
    fallbackReason: loaded?.fallbackReason ?? 'addon disabled by the caller',
  });
}

/** The facade's uniform entry point. */
export const createBackend = createDarwinBackend;
