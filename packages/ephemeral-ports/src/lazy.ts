/**
 * The front door's asynchronous functions, each loading its module on first call, so that
 * `require('ephemeral-ports')` costs only what reading the range needs. Signatures and behaviour are those of the
 * modules named below; see the TSDoc there.
 */
import type * as Diagnostics from './diagnostics/index.js';
import type * as Explain from './explain/explain-port.js';
import type * as Reserved from './reserved-ports.js';
import type * as SetRange from './set-range.js';

/** @function */
export const setEphemeralRange: typeof SetRange.setEphemeralRange = async (...args) =>
  (await import('./set-range.js')).setEphemeralRange(...args);

/** @function */
export const getReservedPorts: typeof Reserved.getReservedPorts = async (...args) =>
  (await import('./reserved-ports.js')).getReservedPorts(...args);

/** @function */
export const setReservedPorts: typeof Reserved.setReservedPorts = async (...args) =>
  (await import('./reserved-ports.js')).setReservedPorts(...args);

/** @function */
export const explainPort: typeof Explain.explainPort = async (...args) =>
  (await import('./explain/explain-port.js')).explainPort(...args);

/** @function */
export const usage: typeof Diagnostics.usage = async (...args) => (await import('./diagnostics/index.js')).usage(...args);

/** @function */
export const doctor: typeof Diagnostics.doctor = async (...args) =>
  (await import('./diagnostics/index.js')).doctor(...args);
