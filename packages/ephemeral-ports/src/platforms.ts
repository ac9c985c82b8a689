/**
 * `ephemeral-ports/platforms`: the platform table and loading the backend it names (platform-loader.ts).
 *
 * @packageDocumentation
 */
export { BACKEND_ENV, type Loader, PLATFORM_PACKAGES, backendPackageFor, isSupportedPlatform, loadBackend } from './platform-loader.js';
