/**
 * `NODE_DEBUG=ephemeral-ports` for the free-port code, with util.debuglog's matching. node:util is taken only when
 * NODE_DEBUG is set (importing it would slow every first call), and written synchronously, so that a process exiting
 * right after the call still prints it.
 */
let log: ((format: string, ...args: unknown[]) => void) | undefined;

export function debug(format: string, ...args: unknown[]): void {
  if (!process.env.NODE_DEBUG) return;
  log ??= process.getBuiltinModule('node:util').debuglog('ephemeral-ports');
  log(format, ...args);
}
