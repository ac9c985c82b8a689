/**
 * The addon's typed surface and its loader. The addon is found with node-gyp-build (a prebuild in
 * `prebuilds/linux-x64/`, else `build/Release`); when none loads, the backend uses the JS procfs fallback and
 * says why in `info().fallbackReason`. `EPHEMERAL_PORTS_FORCE_JS=1` forces the fallback (tests, debugging).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { KnobName } from './knobs.js';

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

/** Both `src/` and `dist/` sit directly under the package root, where binding.gyp and prebuilds/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

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
    const load = createRequire(import.meta.url)('node-gyp-build') as NodeGypBuild;
    const binding = load(PACKAGE_ROOT);
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
