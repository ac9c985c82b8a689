/**
 * `@ephemeral-ports/core/diagnostics`: port-usage diagnostics: usage analysis of a census, doctor rules, Prometheus
 * text, the port map and its SVG, with the capacity maths they judge by; without the allocation models of the full
 * entry. A hub (one file, scripts/tsup-hub.mjs): what `usage`, `doctor`, `metrics` and `map` load of core besides
 * the model.
 */
export * from './diagnostics/usage.js';
export * from './diagnostics/remedies.js';
export * from './diagnostics/doctor.js';
export * from './diagnostics/prometheus.js';
export * from './diagnostics/port-map.js';
export * from './diagnostics/svg.js';
export * from './allocation/capacity.js';
