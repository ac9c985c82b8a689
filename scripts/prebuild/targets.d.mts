/** Types for targets.mjs (imported by test/prebuilds). */
export interface Target {
  /** linux-x64-glibc, linux-arm64-musl, darwin-arm64, win32-x64, ... */
  id: string;
  pkg: 'linux' | 'bsd' | 'win32';
  os: 'linux' | 'macos' | 'windows';
  /** zig's -target. */
  zig: string;
  platform: NodeJS.Platform;
  arch: 'x64' | 'arm64';
  libc?: 'glibc' | 'musl';
  /** File name inside prebuilds/<platform>-<arch>/. */
  file: string;
}
export const TARGETS: readonly Target[];
export function prebuildDir(target: Target): string;
export function selectTargets(selectors: string[]): Target[];
