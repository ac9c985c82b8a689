/**
 * `@ephemeral-ports/linux/port-facts` (core's PortFactsModule): what a free-port finder must keep away from on Linux,
 * read by plain file reads in the caller's network namespace, without creating the backend or loading the addon: the
 * ephemeral range (one for TCP and UDP), `ip_local_reserved_ports` and `ip_unprivileged_port_start`. The facade asks
 * this before it would load the backend, so that a get-port user's first call loads no more than it must. The same
 * reads, parsers and errors as the backend's JS fallback (procfs-io.ts).
 */
import { LINUX_DEFAULT_UNPRIVILEGED_PORT_START, type PortFacts, type Protocol } from '@ephemeral-ports/core/model';
import { parseRangeText, parseReservedText } from './procfs-format.js';
import { createJsIo, readUnprivilegedStart } from './procfs-io.js';

/** The `source` of the ranges read here. */
export const PORT_FACTS_SOURCE = 'port-facts:procfs';

/** Reads the three knobs; throws an EphemeralPortsError (errno name, path, remedy) when one cannot be read. */
export function readPortFacts(protocols: readonly Protocol[]): PortFacts {
  const io = createJsIo('the port facts are read with plain file reads');
  const range = parseRangeText(io.read('ip_local_port_range'));
  return {
    // Not the JS fallback's `js:procfs`, which says the addon could not be used.
    ephemeral: protocols.map((protocol) => ({ protocol, range, source: PORT_FACTS_SOURCE })),
    reserved: parseReservedText(io.read('ip_local_reserved_ports')),
    reservedKind: 'reserved',
    // Kernels before 4.11 have no ip_unprivileged_port_start: binding below 1024 then needs privileges.
    privilegedBelow: readUnprivilegedStart(io) ?? LINUX_DEFAULT_UNPRIVILEGED_PORT_START,
  };
}
