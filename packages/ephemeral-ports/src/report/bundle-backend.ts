/**
 * The backend a support bundle reads through: the one the platform table (or `EPHEMERAL_PORTS_BACKEND`) names, as
 * `loadBackend` loads it, but created with `{ capture }` so it records its raw reads. A module whose
 * `createBackend` takes no options simply records nothing (the bundle then says so by its empty `raw`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EphemeralPortsBackend, RawCapture } from '@ephemeral-ports/core';
import { type Loader, loadBackend } from '../platform-loader.js';

type BackendModule = Record<string, unknown> & { default?: Record<string, unknown> };

/** This file's path in every build: `__filename` in CommonJS, import.meta.url in ESM (see platform-loader.ts). */
const here = (): string => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

export function loadCapturingBackend(capture: RawCapture, env: NodeJS.ProcessEnv = process.env): EphemeralPortsBackend {
  const requireHere = createRequire(here());
  const load: Loader = (id) => {
    const mod = requireHere(id) as BackendModule;
    const create = mod.createBackend ?? mod.default?.createBackend;
    // Anything else is for loadBackend to refuse, with its own message.
    if (typeof create !== 'function') return mod;
    return { createBackend: () => (create as (o: { capture: RawCapture }) => EphemeralPortsBackend)({ capture }) };
  };
  return loadBackend(process.platform, env, load);
}

/** The facade's version from its package.json (src/ and dist/ both sit one or two levels under it). */
export function facadeVersion(): string | null {
  let dir = dirname(here());
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'ephemeral-ports' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json at this level: go up
    }
  }
  return null;
}
