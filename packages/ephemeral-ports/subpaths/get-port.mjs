// ephemeral-ports/get-port for import: the same CommonJS copy as require() gets (one lock registry per process),
// with the function as the default export, as get-port exports it.
import { createRequire } from 'node:module';

const m = createRequire(import.meta.url)('../dist/get-port.js');
export default m.default;
export const { portNumbers, clearLockedPorts } = m;
