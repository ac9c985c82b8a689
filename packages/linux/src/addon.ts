/**
 * `@ephemeral-ports/linux/addon`: the addon, its loader and the early census, without core or the backend (one
 * file, dist/addon.js, which the backend's hub requires too, so both share one loaded addon and one early census).
 * The facade's CLI loads it first to start `usage`'s socket dump early (src/census/early.ts says why).
 */
export * from './native.js';
export * from './census/early.js';
export * from './census/native-census.js';
