/**
 * The BSD addon's loader. Its typed surface is `BsdSysctlAddon` (native-port.ts; the C++ is native/bsd). The
 * addon is found with node-gyp-build in this package's root (a prebuild in `prebuilds/<os>-<arch>/`, else
 * `build/Release`); when none loads, the backend spawns sysctl(8) instead and says why in
 * `info().fallbackReason`. `EPHEMERAL_PORTS_FORCE_JS=1` forces that fallback.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BsdSysctlAddon } from './native-port.js';
import type { BsdOs } from './sysctl-names.js';

export type AddonLoadResult =
  | { addon: BsdSysctlAddon; fallbackReason?: undefined }
  | { addon?: undefined; fallbackReason: string };

export const FORCE_JS_ENV = 'EPHEMERAL_PORTS_FORCE_JS';

/** Both `src/` and `dist/` sit directly under the package root, where binding.gyp and prebuilds/ are. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

const cache = new Map<string, { addon: unknown } | { error: unknown }>();

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

/** node-gyp-build once per process and package root; the outcome, thrown or not, is kept. */
function loadOnce(packageRoot: string): { addon: unknown } | { error: unknown } {
  let loaded = cache.get(packageRoot);
  if (!loaded) {
    try {
      const load = createRequire(`${packageRoot}/package.json`)('node-gyp-build') as (dir: string) => unknown;
      loaded = { addon: load(packageRoot) };
    } catch (error) {
      loaded = { error };
    }
    cache.set(packageRoot, loaded);
  }
  return loaded;
}

/** The addon for `os`, or why there is none; never throws. One build serves one kernel: the `kernel` it reports. */
export function loadBsdAddon(os: BsdOs, packageRoot: string = PACKAGE_ROOT): AddonLoadResult {
  if (process.env[FORCE_JS_ENV] === '1') return { fallbackReason: `${FORCE_JS_ENV}=1 is set` };
  const loaded = loadOnce(packageRoot);
  if ('error' in loaded) {
    return { fallbackReason: `native addon not loaded: ${String((loaded.error as Error)?.message).split('\n')[0]}` };
  }
  const { addon } = loaded;
  if (!isBsdSysctlAddon(addon)) return { fallbackReason: `the addon in ${packageRoot} lacks the expected functions` };
  // Never call another OS's (or the test double's) build against this kernel.
  if (addon.kernel !== os) return { fallbackReason: `the addon in ${packageRoot} was built for ${addon.kernel}, not ${os}` };
  return { addon };
}
