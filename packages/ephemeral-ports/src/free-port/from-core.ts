/**
 * Everything the free-port code takes from core, imported in this one module. Node resolves a package with an
 * exports map again for every `require` of it from a directory that did not load it first (its resolve caches skip
 * exports-mapped packages): one import site keeps that to one resolution in the built entry.
 */
export {
  EphemeralPortsError,
  ErrorCodes,
  PortSet,
  assertPort,
  checkBoolean,
  checkInteger,
  checkObject,
  checkOneOf,
  checkRange,
  formatRange,
  invalidArgType,
  invalidArgValue,
  outOfRange,
} from '@ephemeral-ports/core/model';
export type { AbstractLocks, DefaultsSubject, Diagnostic, EphemeralPortsBackend, PortFacts, PortFactsModule, PortRange, Protocol } from '@ephemeral-ports/core/model';
