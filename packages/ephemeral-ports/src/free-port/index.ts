/** Free-port allocation that never collides with the kernel. Design: DESIGN.md beside this file. */
export { getFreePort, getFreePortDetailed, releasePort, clearLockedPorts, heldPorts } from './get-free-port.js';
export { reservePorts, type PortReservation, type ReservePortsOptions } from './reserve-ports.js';
export { checkPort, type PortCheck } from './check-port.js';
export { portNumbers } from './port-numbers.js';
export type { FreePortOptions, FreePortProtocol, AvoidOptions, PortRejection, RejectReason } from './options.js';
export type { FreePortResult, AvoidSummary } from './allocate.js';
export type { ProbeOutcome } from './probe.js';
