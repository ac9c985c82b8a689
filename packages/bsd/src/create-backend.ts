/**
 * The package's entry point: a FreeBSD or macOS backend, the native sysctlbyname port when the addon loads,
 * else sysctl(8). The OS is the host's; tests on another host name it with `os`.
 */
import { release } from 'node:os';
import { EphemeralPortsError, ErrorCodes, type EphemeralPortsBackend, type RawCapture, invalidArgValue } from '@ephemeral-ports/core';
import { loadBsdAddon } from './addon-loader.js';
import { createBsdBackend } from './bsd-backend.js';
import { type RunCommand, createCommandSysctlPort } from './command-port.js';
import { configFiles, runCommand } from './io.js';
import { type BsdSysctlAddon, createAddonSysctlPort } from './native-port.js';
import type { BsdOs } from './sysctl-names.js';

export interface BsdPackageOptions {
  /** Which kernel's rules to follow. Default: the host's (`process.platform`); required on any other host. */
  os?: BsdOs;
  /** An addon to use instead of loading one; `null` forces the sysctl(8) fallback. */
  addon?: BsdSysctlAddon | null;
  /** sysctl(8) for the fallback; absolute. Default `/sbin/sysctl` (FreeBSD), `/usr/sbin/sysctl` (macOS). */
  sysctlPath?: string;
  /** Runs sysctl(8); default execFile without a shell. */
  run?: RunCommand;
  /** Default persistence file. Default `/etc/sysctl.conf` (FreeBSD), the LaunchDaemon plist (macOS). */
  persistFile?: string;
  /** Records every sysctl read (a support bundle); see core's raw-capture.ts. */
  capture?: RawCapture;
}

function resolveOs(os: unknown): BsdOs {
  if (os === 'freebsd' || os === 'darwin') return os;
  if (os !== undefined) throw invalidArgValue('options.os', os, "must be 'freebsd' or 'darwin'");
  const host = process.platform;
  if (host === 'freebsd' || host === 'darwin') return host;
  throw new EphemeralPortsError(
    ErrorCodes.UNSUPPORTED_PLATFORM,
    `@ephemeral-ports/bsd runs on FreeBSD and macOS, not ${host}`,
    { remedy: "To drive a double of either kernel on another host, pass { os: 'freebsd' } or { os: 'darwin' }." },
  );
}

export function createBackend(options: BsdPackageOptions = {}): EphemeralPortsBackend {
  const os = resolveOs(options.os);
  const loaded = options.addon === undefined ? loadBsdAddon(os) : null;
  const addon = options.addon ?? loaded?.addon;
  const common = { os, files: configFiles, release: release(), persistFile: options.persistFile };
  if (addon) {
    return createBsdBackend({ ...common, port: createAddonSysctlPort(os, addon, options.capture), implementation: 'native' });
  }
  const port = createCommandSysctlPort({
    os,
    run: options.run ?? runCommand,
    ...(options.capture !== undefined && { capture: options.capture }),
    ...(options.sysctlPath !== undefined ? { sysctlPath: options.sysctlPath } : {}),
  });
  return createBsdBackend({
    ...common,
    port,
    implementation: 'js-fallback',
    fallbackReason: loaded?.fallbackReason ?? 'addon disabled by the caller',
  });
}
