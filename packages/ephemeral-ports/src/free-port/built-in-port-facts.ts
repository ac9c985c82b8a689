/**
 * Port-facts modules built into this build, by module name. None in the source and the CommonJS build: they load
 * each module by name when first asked (port-facts.ts). get-port's `import` build (tsup.get-port.config.ts) replaces
 * this file with one that imports every module {@link PORT_FACTS_MODULES} names, so that its first call reads no
 * other file.
 */
import type { PortFactsModule } from './from-core.js';

export const BUILT_IN_PORT_FACTS: Readonly<Record<string, PortFactsModule>> = Object.freeze({});
