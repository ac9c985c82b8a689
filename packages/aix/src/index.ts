/** @ephemeral-ports/aix — the AIX backend of `ephemeral-ports` (spawns /usr/sbin/no). */
export { createAixBackend, type AixBackend, type AixBackendOptions } from './backend.js';
export { DEFAULT_NO_PATH } from './no-command.js';
export { createAixBackend as createBackend } from './backend.js';
