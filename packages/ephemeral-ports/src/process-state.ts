/**
 * State that must exist once per process for one installed copy of this package, however it was loaded. Node gives
 * `import 'ephemeral-ports/get-port'` a bundle of its own (dist/get-port.node.mjs, for a fast first call) while
 * `require` and every other entry share the CommonJS build; module-level state would exist twice in an app that
 * reaches the package both ways (Node's "dual package hazard"). The lock registry and the backend live here instead,
 * under a process-wide symbol named after the directory the build runs from, so that another install (another
 * version, say) keeps its own. State on `globalThis` outlives a test runner's module reset (vitest `resetModules`).
 */

/** The directory of the running build: dist/ for both builds of one install. */
const HERE = typeof __dirname === 'string' ? __dirname : import.meta.dirname;

/** This process's `name` state for this install, `create()`d on first use. */
export function processState<T extends object>(name: string, create: () => T): T {
  const key = Symbol.for(`ephemeral-ports ${name} ${HERE}`);
  const slots = globalThis as unknown as Record<symbol, T | undefined>;
  return (slots[key] ??= create());
}
