/**
 * State that must exist once per process, however this package was loaded. Node gives `import
 * 'ephemeral-ports/get-port'` a bundle of its own (dist/get-port.node.mjs, for a fast first call) while `require` and
 * every other entry share the CommonJS build; module-level state would exist twice in an app that reaches the
 * package both ways (Node's "dual package hazard"). The lock registry and the injected backend live here instead,
 * under a process-wide symbol.
 */

/** This process's `name` state (`create()`d on first use), shared by every copy of this package of the same layout. */
export function processState<T extends object>(name: string, create: () => T): T {
  // The version in the key: a copy with another layout must never read this one's state.
  const key = Symbol.for(`ephemeral-ports.${name}.v1`);
  const slots = globalThis as unknown as Record<symbol, T | undefined>;
  return (slots[key] ??= create());
}
