/**
 * ephemeral-ports — know, change and reason about the OS ephemeral port range.
 *
 * @example
 * ```ts
 * import { getEphemeralRange } from 'ephemeral-ports';
 * const { range, source } = await getEphemeralRange();
 * ```
 * @packageDocumentation
 */
export * from '@ephemeral-ports/core';
export { getBackend, useBackend } from './backend.js';
export { PLATFORM_PACKAGES, BACKEND_ENV, backendPackageFor, isSupportedPlatform, loadBackend } from './platforms.js';
export type { Family, RangeQueryOptions } from './options.js';
export { type RangeReport, getEphemeralRange, getEphemeralRangeSync } from './range-report.js';
