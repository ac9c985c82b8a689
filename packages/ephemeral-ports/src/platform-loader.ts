/**
 * Loading the backend the platform table (platform-table.ts) names; public as `ephemeral-ports/platforms`. Backends
 * load lazily, on first use, and never fall through to another OS's implementation.
 *
 * A backend module exports `createBackend(): EphemeralPortsBackend` (CommonJS, or ESM with that named export).
 * `EPHEMERAL_PORTS_BACKEND=<module path or package name>` loads another module of that shape instead — tests use
 * it to inject core's memory backend or an OS double; ops can use it to debug a broken install.
 */
import { isAbsolute, resolve } from 'node:path';
import { type EphemeralPortsBackend, EphemeralPortsError, ErrorCodes, type TargetOs } from '@ephemeral-ports/core/model';
import { PLATFORM_PACKAGES } from './platform-table.js';

export { PLATFORM_PACKAGES };

/** Environment variable naming a module to load instead of the platform's backend package. */
export const BACKEND_ENV = 'EPHEMERAL_PORTS_BACKEND';

/**
 * True when `platform` has a backend.
 *
 * @example
 * ```ts
 * import { isSupportedPlatform } from 'ephemeral-ports/platforms';
 * isSupportedPlatform(process.platform); // true on Linux, FreeBSD, macOS, AIX, Windows
 * ```
 */
export function isSupportedPlatform(platform: string): platform is TargetOs {
  return Object.hasOwn(PLATFORM_PACKAGES, platform);
}

/**
 * The backend package for `platform`, or `ERR_EPHEMERAL_UNSUPPORTED_PLATFORM` naming it and the supported list.
 *
 * @example
 * ```ts
 * import { backendPackageFor } from 'ephemeral-ports/platforms';
 * backendPackageFor('win32'); // '@ephemeral-ports/win32'
 * backendPackageFor('openbsd'); // throws ERR_EPHEMERAL_UNSUPPORTED_PLATFORM
 * ```
 */
export function backendPackageFor(platform: string, arch: string = process.arch): string {
  if (!isSupportedPlatform(platform)) {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_PLATFORM,
      `ephemeral-ports has no backend for platform "${platform}" (${arch}); supported: ${Object.keys(PLATFORM_PACKAGES).join(', ')}`,
      { remedy: 'run on a supported OS, or set EPHEMERAL_PORTS_BACKEND to a module exporting createBackend()' },
    );
  }
  return PLATFORM_PACKAGES[platform];
}

type BackendModule = Record<string, unknown> & { default?: Record<string, unknown> };

/** How a backend package is loaded (`require` by default; tests pass a fake). */
export type Loader = (id: string) => unknown;

/**
 * Loads the backend for `platform` (or the module named by `EPHEMERAL_PORTS_BACKEND` in `env`). The facade calls
 * it once, lazily; call it yourself to hold a backend directly.
 * Errors: `ERR_EPHEMERAL_UNSUPPORTED_PLATFORM`; `ERR_EPHEMERAL_BACKEND_LOAD_FAILED` with the load error as `cause`.
 *
 * @example
 * ```ts
 * import { loadBackend } from 'ephemeral-ports/platforms';
 * const backend = loadBackend();
 * console.log(backend.info().implementation, (await backend.getRange()).range);
 * ```
 */
export function loadBackend(
  platform: string = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  load: Loader = defaultLoader(),
): EphemeralPortsBackend {
  const override = env[BACKEND_ENV];
  const id = override ? resolveOverride(override) : backendPackageFor(platform);
  let mod: BackendModule;
  try {
    mod = load(id) as BackendModule;
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    throw new EphemeralPortsError(
      ErrorCodes.BACKEND_LOAD_FAILED,
      `could not load the ${override ? `${BACKEND_ENV} module` : `${platform} backend`} ${id}: ${(cause as Error).message?.split('\n')[0]}`,
      { cause, remedy: loadRemedy(id, Boolean(override), missing) },
    );
  }
  const create = mod.createBackend ?? mod.default?.createBackend;
  if (typeof create !== 'function') {
    throw new EphemeralPortsError(ErrorCodes.BACKEND_LOAD_FAILED, `${id} does not export createBackend()`, {
      remedy: 'a backend module must export createBackend(): EphemeralPortsBackend',
    });
  }
  const backend = (create as () => EphemeralPortsBackend)();
  const lacking = BACKEND_METHODS.filter((name) => typeof (backend as unknown as Record<string, unknown> | null)?.[name] !== 'function');
  if (lacking.length || typeof backend?.os !== 'string') {
    throw new EphemeralPortsError(
      ErrorCodes.BACKEND_LOAD_FAILED,
      `${id}: createBackend() returned no backend (${typeof backend?.os === 'string' ? '' : 'no os, '}missing ${lacking.map((n) => `${n}()`).join(', ') || 'nothing else'})`,
      { remedy: 'a backend implements core\'s EphemeralPortsBackend contract (describeBackendContract in ephemeral-ports/testing checks one)' },
    );
  }
  if (!override && backend.os !== platform) {
    // Never run another OS's implementation against this kernel.
    throw new EphemeralPortsError(
      ErrorCodes.BACKEND_LOAD_FAILED,
      `${id} implements ${backend.os}, not ${platform}`,
    );
  }
  return backend;
}

/**
 * A `require` for this file. The CommonJS library build has `__filename` natively and no import.meta shim (the
 * shim's URL work costs cold start); the ESM and CLI builds go through import.meta.url (shimmed in the CLI).
 * `node:module` is taken when a backend is loaded, not imported: get-port's ESM build would load it at start.
 */
export function defaultLoader(): Loader {
  return process.getBuiltinModule('node:module').createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

/** The methods every backend has (core's EphemeralPortsBackend), checked before the facade calls any. */
const BACKEND_METHODS = ['info', 'getRange', 'setRange', 'getConstraints', 'getReserved', 'setReserved', 'persistRange', 'getPersisted'] as const;

function loadRemedy(id: string, override: boolean, missing: boolean): string {
  if (override) {
    return missing
      ? `${BACKEND_ENV}=${id} names nothing Node can load: give an absolute path or an installed package name, or unset ${BACKEND_ENV}`
      : `the module ${BACKEND_ENV} names failed while loading: fix it, or unset ${BACKEND_ENV}`;
  }
  return missing
    ? `reinstall without --no-optional / --omit=optional so that ${id} is installed`
    : `the package is installed but failed to load (wrong Node ABI or a corrupt prebuild?); reinstall ${id}`;
}

function resolveOverride(value: string): string {
  // Relative file paths are relative to the working directory, like any CLI argument.
  return value.startsWith('.') && !isAbsolute(value) ? resolve(value) : value;
}
