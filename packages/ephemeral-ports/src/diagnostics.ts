/**
 * `ephemeral-ports/diagnostics`: the socket census turned into reports (usage per destination, doctor's verdict,
 * the port map, Prometheus text), each from a live snapshot or from one you took.
 */
export * from './diagnostics/index.js';
export {
  type BundleError,
  type BundleOutcome,
  type PerProtocol,
  type SupportBundle,
  type SupportBundleOptions,
  SUPPORT_BUNDLE_FORMAT,
  SUPPORT_BUNDLE_VERSION,
  collectSupportBundle,
  formatSupportBundle,
} from './report/bundle.js';
