/**
 * @ephemeral-ports/linux — reads and sets `net.ipv4.ip_local_port_range`, `ip_local_reserved_ports` and reads
 * `ip_unprivileged_port_start` through a Node-API addon (any network namespace), with a pure-JS procfs fallback.
 */
export { createLinuxBackend, type LinuxBackend, type LinuxBackendOptions } from './backend.js';
/** The facade's entry point (see packages/ephemeral-ports/src/platforms.ts). */
export { createLinuxBackend as createBackend } from './backend.js';
export { type KnobName, knobPath, parseRangeText, formatRangeText, parseReservedText, formatReservedText, parseUnprivilegedStartText } from './procfs-format.js';
export { FORCE_JS_ENV, loadNativeBinding, type NativeLinuxBinding, type NativeLoadResult } from './native.js';
