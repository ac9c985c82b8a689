/**
 * The platform table: `process.platform` → the package holding that OS's backend. The one place that says which
 * OS is served by which package: the facade loads backends from it, and packaging derives from it the facade's
 * `optionalDependencies` and each OS package's `"os"` field (scripts/packaging/platform-fields.mjs). Adding an OS
 * adds one line here. Pure data, without imports, so build scripts can read it.
 *
 * @example
 * ```ts
 * import { PLATFORM_PACKAGES } from 'ephemeral-ports/platforms';
 * PLATFORM_PACKAGES.linux; // '@ephemeral-ports/linux'
 * ```
 */
export const PLATFORM_PACKAGES = Object.freeze({
  linux: '@ephemeral-ports/linux',
  freebsd: '@ephemeral-ports/bsd',
  darwin: '@ephemeral-ports/bsd',
  aix: '@ephemeral-ports/aix',
  win32: '@ephemeral-ports/win32',
} as const);
