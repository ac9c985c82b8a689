/**
 * The addon's typed surface and its loader. The addon is `build/Release` (built from source) or the prebuild in
 * `prebuilds/<platform>-<arch>/` for this libc (`ephemeral_ports_linux.glibc.node` or `.musl.node`, made by
 * `npm run prebuild`), tried in that order (node-gyp-build's order) by their known paths; the other libc's prebuild
 * is tried when this one fails to load, and node-gyp-build searches only when none of them exists. Loading
 * node-gyp-build and letting it list directories costs a few ms of every cold start (bench/suites/cold-start.ts),
 * the direct path almost none. When no addon loads, the backend uses the JS procfs fallback and says why in
 * `info().fallbackReason`. `EPHEMERAL_PORTS_FORCE_JS=1` forces the fallback (tests, debugging).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnobName, ReadableKnob } from './procfs-format.js';

/** Exports of `ephemeral_ports_linux.node` (native/linux/addon.cc). Errors carry code/errno/syscall/path/remedy. */
export interface NativeLinuxBinding {
  /** `ip_local_port_range` packed into an int32: low in bits 0–15, high in bits 16–31. */
  readPortRange(netns?: string): number;
  /** A knob's text exactly as the kernel prints it. */
  readKnob(knob: ReadableKnob, netns?: string): string;
  /** `ip_local_port_range` packed as in `readPortRange`, and the text of `ip_local_reserved_ports`, in one call. */
  readRangeAndReserved(netns?: string): [packedRange: number, reservedText: string];
  /** Reads, writes `value` in one write() at offset 0, reads back: `[previous, current]`. */
  exchangeKnob(knob: KnobName, value: string, netns?: string): [previous: string, current: string];
  /** uname(2)'s release (`uname -r`). */
  kernelRelease(): string;
  /** A listening AF_UNIX socket on the abstract `name` (leading NUL): its fd, or -errno. Absent in older builds. */
  listenAbstract?(name: string): number;
  /** Closes an fd `listenAbstract` returned. */
  closeFd?(fd: number): void;
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

/** Where `node-gyp build` and `npm run prebuild` (scripts/prebuild/targets.mjs) put the addon, in loading order. */
export function* addonPaths(): Generator<string> {
  yield join(PACKAGE_ROOT, 'build', 'Release', 'ephemeral_ports_linux.node');
  // musl first where the system is musl-based. node-gyp-build's test (Alpine's release file) decides the order only:
  // a glibc build fails to load on other musl systems, and the musl one is tried next. Asked only when there is no
  // build from source, so that the common case costs no extra file-system call.
  const libcs = existsSync('/etc/alpine-release') ? ['musl', 'glibc'] : ['glibc', 'musl'];
  for (const libc of libcs) yield join(PACKAGE_ROOT, 'prebuilds', `${process.platform}-${process.arch}`, `ephemeral_ports_linux.${libc}.node`);
}

type NodeGypBuild = (dir: string) => unknown;

let cached: NativeLoadResult | undefined;

function isBinding(value: unknown): value is NativeLinuxBinding {
  const v = value as Partial<Record<keyof NativeLinuxBinding, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.readPortRange === 'function' &&
    typeof v.readKnob === 'function' &&
    typeof v.exchangeKnob === 'function' &&
    typeof v.kernelRelease === 'function'
  );
}

const firstLine = (error: unknown): string => String((error as Error)?.message ?? error).split('\n')[0] ?? '';

/** Loads the addon once per process; never throws. */
export function loadNativeBinding(): NativeLoadResult {
  if (process.env[FORCE_JS_ENV] === '1') return { fallbackReason: `${FORCE_JS_ENV}=1 is set` };
  if (cached) return cached;
  const require = createRequire(HERE);
  const failures: string[] = [];
  let binding: unknown;
  let loaded = false;
  for (const path of addonPaths()) {
    try {
      binding = require(path);
      loaded = true;
      break;
    } catch (error) {
      // Not there (require's own stat says so: no extra call first): try the next place.
      if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') continue;
      // A dlopen failure (another libc, an arch or ABI mismatch): try the next file, and keep why.
      failures.push(`${path}: ${firstLine(error)}`);
    }
  }
  if (!loaded && !failures.length) {
    try {
      binding = (require('node-gyp-build') as NodeGypBuild)(PACKAGE_ROOT);
      loaded = true;
    } catch (error) {
      // "No native build was found …": no prebuild for this platform and never built from source.
      failures.push(firstLine(error));
    }
  }
  if (!loaded) {
    // The JS fallback takes over; the reason stays visible in info().
    cached = { fallbackReason: `native addon not loaded: ${failures.join('; ')}` };
  } else {
    cached = isBinding(binding) ? { binding } : { fallbackReason: `the addon in ${PACKAGE_ROOT} lacks the expected functions` };
  }
  return cached;
}
