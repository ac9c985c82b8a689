/** @ephemeral-ports/aix — the AIX backend of `ephemeral-ports` (spawns /usr/sbin/no). */
export { createAixBackend, type AixBackend, type AixBackendOptions } from './backend.js';
export { DEFAULT_NO_PATH } from './no-command.js';
export {
  AIX_EPHEMERAL_TUNABLES,
  type NoTunable,
  type NoTunableType,
  type NoValue,
  parseNoAssignments,
  parseNoX,
} from './no-output.js';
export { createAixBackend as createBackend } from './backend.js';
