/**
 * The addon's typed surface and its loader. The addon is `build/Release` (built from source) or the prebuild
 * in `prebuilds/<platform>-<arch>/`, tried in that order (node-gyp-build's order) by their known paths; only
 * when neither exists does node-gyp-build search (other libc or arch tags). Loading node-gyp-build and letting it
 * list directories costs a few ms of every cold start (bench/suites/cold-start.ts), the direct path almost none.
 * When no addon loads, the backend uses the JS procfs fallback and says why in `info().fallbackReason`.
 * `EPHEMERAL_PORTS_FORCE_JS=1` forces the fallback (tests, debugging).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnobName } from './procfs-format.js';

/** Exports of `ephemeral_ports_linux.node` (native/linux/addon.cc). Errors carry code/errno/syscall/path/remedy. */
export interface NativeLinuxBinding {
  /** `ip_local_port_range` packed into an int32: low in bits 0–15, high in bits 16–31. */
  readPortRange(netns?: string): number;
  /** A knob's text exactly as the kernel prints it. */
  readKnob(knob: KnobName, netns?: string): string;
  /** Reads, writes `value` in one write() at offset 0, reads back: `[previous, current]`. */
  exchangeKnob(knob: KnobName, value: string, netns?: string): [previous: string, current: string];
}

export type NativeLoadResult =
  | { binding: NativeLinuxBinding; fallbackReason?: undefined }
  | { binding?: undefined; fallbackReason: string };

export const FORCE_JS_ENV = 'EPHEMERAL_PORTS_FORCE_JS';

/**
 * This file: `__filename` in the CommonJS build (no import.meta shim, whose shared chunk every output file would
 * load), `import.meta.url` in ESM and under vitest. Both `src/` and `dist/` sit directly under the package root,
 * where binding.gyp and prebuilds/ are.
 */
const HERE = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
const PACKAGE_ROOT = dirname(dirname(HERE));

/** Where `node-gyp build` and prebuildify (`--napi --tag-libc`, package name in the file) put the addon. */
const ADDON_PATHS: readonly string[] = [
  join(PACKAGE_ROOT, 'build', 'Release', 'ephemeral_ports_linux.node'),
  join(PACKAGE_ROOT, 'prebuilds', `${process.platform}-${process.arch}`, '@ephemeral-ports+linux.glibc.node'),
];

type NodeGypBuild = (dir: string) => unknown;

let cached: NativeLoadResult | undefined;

function isBinding(value: unknown): value is NativeLinuxBinding {
  const v = value as Partial<Record<keyof NativeLinuxBinding, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.readPortRange === 'function' &&
    typeof v.readKnob === 'function' &&
    typeof v.exchangeKnob === 'function'
  );
}

/** Loads the addon once per process; never throws. */
export function loadNativeBinding(): NativeLoadResult {
  if (process.env[FORCE_JS_ENV] === '1') return { fallbackReason: `${FORCE_JS_ENV}=1 is set` };
  if (cached) return cached;
  try {
    const require = createRequire(HERE);
    const known = ADDON_PATHS.find((path) => existsSync(path));
    const binding = known ? require(known) : (require('node-gyp-build') as NodeGypBuild)(PACKAGE_ROOT);
    cached = isBinding(binding)
      ? { binding }
      : { fallbackReason: `the addon in ${PACKAGE_ROOT} lacks the expected functions` };
  } catch (error) {
    // "No native build was found …" (no prebuild for this platform, never built) or a dlopen failure (ABI,
    // libc): both leave the JS fallback, and the first line of the reason stays visible in info().
    cached = { fallbackReason: `native addon not loaded: ${String((error as Error).message).split('\n')[0]}` };
  }
  return cached;
}
