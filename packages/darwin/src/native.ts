/**
 * The BSD addon's loader. Its typed surface is `BsdSysctlAddon` (core, shared with @ephemeral-ports/freebsd; the
 * C++ is native/bsd). The addon is found with node-gyp-build (a prebuild in `prebuilds/darwin-<arch>/`, else
 * `build/Release`); when none loads, the backend spawns sysctl(8) instead and says why in
 * `info().fallbackReason`. `EPHEMERAL_PORTS_FORCE_JS=1` forces that fallback.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BsdSysctlAddon } from '@ephemeral-ports/core';

export type { BsdSysctlAddon } from '@ephemeral-ports/core';

export type AddonLoadResult =
  | { addon: BsdSysctlAddon; fallbackReason?: undefined }
  | { addon?: undefined; fallbackReason: string };

export const FORCE_JS_ENV = 'EPHEMERAL_PORTS_FORCE_JS';

/** Both `src/` and `dist/` sit directly under the package root, where binding.gyp and prebuilds/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

let cached: AddonLoadResult | undefined;

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

/** Loads the addon once per process; never throws. */
export function loadBsdAddon(): AddonLoadResult {
  if (process.env[FORCE_JS_ENV] === '1') return { fallbackReason: `${FORCE_JS_ENV}=1 is set` };
  if (cached) return cached;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;
    const addon = load(PACKAGE_ROOT);
    if (!isBsdSysctlAddon(addon)) {
      cached = { fallbackReason: `the addon in ${PACKAGE_ROOT} lacks the expected functions` };
    } else if (addon.kernel !== 'darwin') {
      // Never call another OS's (or the test double's) build against this kernel.
      cached = { fallbackReason: `the addon in ${PACKAGE_ROOT} was built for ${addon.kernel}, not darwin` };
    } else {
      cached = { addon };
    }
  } catch (error) {
    cached = { fallbackReason: `native addon not loaded: ${String((error as Error).message).split('\n')[0]}` };
  }
  return cached;
}
