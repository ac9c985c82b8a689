/**
 * The BSD addon's loader, for both BSD packages. Its typed surface is `BsdSysctlAddon` (core; the C++ is
 * native/bsd). The addon is found with node-gyp-build in the package's root (a prebuild in
 * `prebuilds/<os>-<arch>/`, else `build/Release`); when none loads, the backend spawns sysctl(8) instead and says
 * why in `info().fallbackReason`. `EPHEMERAL_PORTS_FORCE_JS=1` forces that fallback.
 */
import { createRequire } from 'node:module';
import type { BsdSysctlAddon } from '@ephemeral-ports/core';

export type AddonLoadResult =
  | { addon: BsdSysctlAddon; fallbackReason?: undefined }
  | { addon?: undefined; fallbackReason: string };

export const FORCE_JS_ENV = 'EPHEMERAL_PORTS_FORCE_JS';

const cache = new Map<string, AddonLoadResult>();

export function isBsdSysctlAddon(value: unknown): value is BsdSysctlAddon {
  const v = value as Partial<Record<keyof BsdSysctlAddon, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.kernel === 'string' &&
    typeof v.readInt === 'function' &&
    typeof v.readInts === 'function' &&
    typeof v.writeInt === 'function'
  );
}

/** Loads the addon of the package at `packageRoot` once per process; never throws. */
export function loadBsdAddon(os: 'freebsd' | 'darwin', packageRoot: string): AddonLoadResult {
  if (process.env[FORCE_JS_ENV] === '1') return { fallbackReason: `${FORCE_JS_ENV}=1 is set` };
  const cached = cache.get(packageRoot);
  if (cached) return cached;
  let result: AddonLoadResult;
  try {
    const load = createRequire(`${packageRoot}/package.json`)('node-gyp-build') as (dir: string) => unknown;
    const addon = load(packageRoot);
    if (!isBsdSysctlAddon(addon)) {
      result = { fallbackReason: `the addon in ${packageRoot} lacks the expected functions` };
    } else if (addon.kernel !== os) {
      // Never call another OS's (or the test double's) build against this kernel.
      result = { fallbackReason: `the addon in ${packageRoot} was built for ${addon.kernel}, not ${os}` };
    } else {
      result = { addon };
    }
  } catch (error) {
    result = { fallbackReason: `native addon not loaded: ${String((error as Error).message).split('\n')[0]}` };
  }
  cache.set(packageRoot, result);
  return result;
}
