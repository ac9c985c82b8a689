/** Port-usage diagnostics: usage analysis of a census, doctor rules, Prometheus text, the port map and its SVG. */
export * from './usage.js';
export * from './remedies.js';
export * from './doctor.js';
export * from './prometheus.js';
export * from './port-map.js';
export * from './svg.js';
