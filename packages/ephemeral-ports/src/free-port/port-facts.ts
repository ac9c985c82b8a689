/**
 * What a free-port search must avoid, read without loading the backend where the OS package can (core's
 * PortFactsModule). A get-port user's first call then needs no backend and no addon: on Linux, three plain file reads.
 */
import { isBackendInjected } from '../backend.js';
import { BACKEND_ENV, type Loader, defaultLoader } from '../platform-loader.js';
import { PORT_FACTS_MODULES } from '../platform-table.js';
import { BUILT_IN_PORT_FACTS } from './built-in-port-facts.js';
import { debug } from './debug.js';
import type { PortFacts, PortFactsModule, Protocol } from './from-core.js';

/**
 * The platform's port facts, or undefined when its backend must be asked instead: a backend was injected
 * (`useBackend`) or named by `EPHEMERAL_PORTS_BACKEND`, the platform has no port-facts module, or reading failed
 * (the backend's read then reports why, as a warning).
 */
export function readPortFacts(
  protocols: readonly Protocol[],
  platform: string = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  load?: Loader,
): PortFacts | undefined {
  const id = Object.hasOwn(PORT_FACTS_MODULES, platform) ? PORT_FACTS_MODULES[platform] : undefined;
  if (id === undefined || isBackendInjected() || env[BACKEND_ENV]) return undefined;
  try {
    // A built-in module needs no loader: making one would load node:module (get-port's import build has them all).
    const module = BUILT_IN_PORT_FACTS[id] ?? (load ?? defaultLoader())(id);
    return (module as PortFactsModule).readPortFacts(protocols);
  } catch (error) {
    // NODE_DEBUG=ephemeral-ports shows why the backend is asked instead.
    debug('port facts: %s did not answer (%s: %s); asking the backend', id, (error as { code?: string }).code ?? 'no code', (error as Error).message);
    return undefined;
  }
}
