/**
 * The free-port API, loaded on first use: it needs node:net and node:dgram, which would otherwise cost every
 * `require('ephemeral-ports')` a noticeable part of its cold start (bench/suites/cold-start.ts). Signatures and
 * behaviour are exactly those of `./free-port/index.ts`; see the TSDoc there.
 *
 * The synchronous functions only touch ports this process holds; before the module is loaded it holds none,
 * so they answer that without loading it.
 */
import type * as FreePort from './free-port/index.js';

let loaded: typeof FreePort | undefined;
const load = async (): Promise<typeof FreePort> => (loaded ??= await import('./free-port/index.js'));

/** {@inheritDoc FreePort.getFreePort} */
export const getFreePort: typeof FreePort.getFreePort = async (...args) => (await load()).getFreePort(...args);
/** {@inheritDoc FreePort.getFreePortDetailed} */
export const getFreePortDetailed: typeof FreePort.getFreePortDetailed = async (...args) =>
  (await load()).getFreePortDetailed(...args);
/** {@inheritDoc FreePort.reservePorts} */
export const reservePorts: typeof FreePort.reservePorts = async (...args) => (await load()).reservePorts(...args);
/** {@inheritDoc FreePort.checkPort} */
export const checkPort: typeof FreePort.checkPort = async (...args) => (await load()).checkPort(...args);
/** {@inheritDoc FreePort.releasePort} */
export const releasePort: typeof FreePort.releasePort = (port) => (loaded ? loaded.releasePort(port) : false);
/** {@inheritDoc FreePort.clearLockedPorts} */
export const clearLockedPorts: typeof FreePort.clearLockedPorts = () => (loaded ? loaded.clearLockedPorts() : 0);
/** {@inheritDoc FreePort.heldPorts} */
export const heldPorts: typeof FreePort.heldPorts = () => (loaded ? loaded.heldPorts() : []);
