export { usage, doctor, portMap, prometheusMetrics, usageOf, doctorOf, portMapOf, type UsageResult, type DoctorResult, type ProcessUsage } from './usage.js';
export { takeSnapshot, type DiagnosticsOptions, type DiagnosticsSnapshot } from './snapshot.js';
