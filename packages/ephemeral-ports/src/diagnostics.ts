/**
 * `ephemeral-ports/diagnostics`: the socket census turned into reports (usage per destination, doctor's verdict,
 * the port map, Prometheus text), each from a live snapshot or from one you took.
 */
export * from './diagnostics/index.js';
