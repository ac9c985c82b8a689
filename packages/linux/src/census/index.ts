export { createLinuxCensus, validateCensusOptions, NETLINK_SOURCE, PROCFS_SOURCE, type CensusFunction } from './census.js';
export { hasCensus, RECORD, OWNER_COUNTS, NO_OWNER, type CensusNative, type NativeCensusRequest, type NativeOwners } from './native-census.js';
export { decodeRecords } from './decode.js';
export { parseProcNetTable, procfsCensus } from './procfs.js';
export { findSocketOwners, attachOwners, type Owner } from './processes.js';
export { processSockets, attachNativeOwners, type ProcessSockets, type AggregateWithProcesses } from './owners.js';
export { formatIPv4, formatIPv6 } from './address.js';
export { createBackendCensus } from './backend-census.js';
