/**
 * The free-port API, loaded on first use: it needs node:net and node:dgram, which would otherwise cost every
 * `require('ephemeral-ports')` a noticeable part of its cold start (bench/suites/cold-start.ts). Signatures and
 * behaviour are exactly those of `./free-port/index.ts`; see the TSDoc there.
 *
 * The synchronous functions only touch this process's registry of locks, a small module without I/O, shared with
 * `ephemeral-ports/get-port` (which may have taken locks before this module loaded anything).
 */
import { assertPort } from '@ephemeral-ports/core/model';
import type * as FreePort from './free-port/index.js';
import * as registry from './free-port/registry.js';

let loaded: typeof FreePort | undefined;
const load = async (): Promise<typeof FreePort> => (loaded ??= await import('./free-port/index.js'));

/** @function */
export const getFreePort: typeof FreePort.getFreePort = async (...args) => (await load()).getFreePort(...args);
/** @function */
export const getFreePortDetailed: typeof FreePort.getFreePortDetailed = async (...args) =>
  (await load()).getFreePortDetailed(...args);
/** @function */
export const reservePorts: typeof FreePort.reservePorts = async (...args) => (await load()).reservePorts(...args);
/** @function */
export const checkPort: typeof FreePort.checkPort = async (...args) => (await load()).checkPort(...args);
/** @function */
export const releasePort: typeof FreePort.releasePort = (port) => {
  assertPort(port);
  return registry.release(port);
};
/** @function */
export const clearLockedPorts: typeof FreePort.clearLockedPorts = () => registry.releaseAll();
/** @function */
export const heldPorts: typeof FreePort.heldPorts = () => registry.ownedPorts();
