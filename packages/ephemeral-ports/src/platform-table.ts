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

/**
 * The OS packages' port-facts modules (core's PortFactsModule), by platform: what a free-port search must avoid, read
 * without loading the backend (src/free-port/port-facts.ts). Optional: an OS without one is asked through its
 * backend. get-port's `import` build has these modules built in (tsup.get-port.config.ts).
 */
export const PORT_FACTS_MODULES: Readonly<Record<string, string>> = Object.freeze({
  linux: '@ephemeral-ports/linux/port-facts',
});
