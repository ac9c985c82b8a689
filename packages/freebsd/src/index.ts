/**
 * @ephemeral-ports/freebsd — reads and sets `net.inet.ip.portrange.first/last` through sysctlbyname (a Node-API
 * addon), reports the high/low ranges, reservedlow/reservedhigh and randomized, detects silent clamping, rolls
 * back failed changes, and persists to /etc/sysctl.conf. Without the addon it spawns /sbin/sysctl.
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

export interface FreeBSDBackendOptions {
  /** An addon to use instead of loading one; `null` forces the sysctl(8) fallback. */
  addon?: BsdSysctlAddon | null;
  /** sysctl(8) for the fallback; absolute. Default `/sbin/sysctl`. */
  sysctlPath?: string;
  /** Runs sysctl(8); default execFile without a shell. */
  run?: RunCommand;
  /** Default persistence file. Default `/etc/sysctl.conf`. */
  persistFile?: string;
}

export function createFreeBSDBackend(options: FreeBSDBackendOptions = {}): EphemeralPortsBackend {
  const loaded = options.addon === undefined ? loadBsdAddon() : null;
  const addon = options.addon ?? loaded?.addon;
  const common = { os: 'freebsd' as const, files: configFiles, release: release(), persistFile: options.persistFile };
  if (addon) {
    return createBsdBackend({ ...common, port: createAddonSysctlPort('freebsd', addon), implementation: 'native' });
  }
  const port = createCommandSysctlPort({
    os: 'freebsd',
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
export const createBackend = createFreeBSDBackend;
