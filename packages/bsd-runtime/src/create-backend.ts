/** Builds a FreeBSD or macOS backend: the native sysctlbyname port when the addon loads, else sysctl(8). */
import { release } from 'node:os';
import {
  type BsdSysctlAddon,
  type EphemeralPortsBackend,
  type RunCommand,
  createAddonSysctlPort,
  createBsdBackend,
  createCommandSysctlPort,
} from '@ephemeral-ports/core';
import { loadBsdAddon } from './addon-loader.js';
import { configFiles, runCommand } from './io.js';

export interface BsdPackageOptions {
  /** An addon to use instead of loading one; `null` forces the sysctl(8) fallback. */
  addon?: BsdSysctlAddon | null;
  /** sysctl(8) for the fallback; absolute. Default `/sbin/sysctl` (FreeBSD), `/usr/sbin/sysctl` (macOS). */
  sysctlPath?: string;
  /** Runs sysctl(8); default execFile without a shell. */
  run?: RunCommand;
  /** Default persistence file. Default `/etc/sysctl.conf` (FreeBSD), the LaunchDaemon plist (macOS). */
  persistFile?: string;
}

export function createBsdPackageBackend(
  os: 'freebsd' | 'darwin',
  packageRoot: string,
  options: BsdPackageOptions = {},
): EphemeralPortsBackend {
  const loaded = options.addon === undefined ? loadBsdAddon(os, packageRoot) : null;
  const addon = options.addon ?? loaded?.addon;
  const common = { os, files: configFiles, release: release(), persistFile: options.persistFile };
  if (addon) {
    return createBsdBackend({ ...common, port: createAddonSysctlPort(os, addon), implementation: 'native' });
  }
  const port = createCommandSysctlPort({
    os,
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
