/** Internal Node-side code of the two BSD packages; tsup bundles it into each of them. */
export { type AddonLoadResult, FORCE_JS_ENV, isBsdSysctlAddon, loadBsdAddon } from './addon-loader.js';
export { type BsdPackageOptions, createBsdPackageBackend } from './create-backend.js';
export { configFiles, runCommand } from './io.js';
