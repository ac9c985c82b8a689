/**
 * The built subpath, as an app reaches it through the package's exports map: `import getPort, { portNumbers,
 * clearLockedPorts } from 'ephemeral-ports/get-port'` (ESM: the default import must be the function, which a plain
 * CommonJS build would not give) and `require('ephemeral-ports/get-port')` (CommonJS: the function, with `default`,
 * `portNumbers` and `clearLockedPorts` on it). The two are different builds (`import` gets one bundled file, for a
 * fast first call), so an app that reaches the package both ways must still see one lock registry, one injected
 * backend and one set of error classes. Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = [`${ROOT}packages/ephemeral-ports/dist/get-port.js`, `${ROOT}packages/ephemeral-ports/dist/get-port.node.mjs`];
const built = BUILT.every((file) => existsSync(file));

function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(String(stdout).trim()),
    ),
  );
}

const CHECK = `const out = [typeof getPort, typeof portNumbers, typeof clearLockedPorts, [...portNumbers(3000, 3002)].join('+')];
getPort().then((port) => { out.push(Number.isInteger(port) && port >= 1024); console.log(JSON.stringify(out)); clearLockedPorts(); });`;
const EXPECTED = JSON.stringify(['function', 'function', 'function', '3000+3001+3002', true]);

describe.runIf(built)(`the built ephemeral-ports/get-port${built ? '' : ' (skipped: packages/ephemeral-ports/dist is not built; npm run build)'}`, () => {
  it('import getPort, { portNumbers, clearLockedPorts } from it (ESM)', async () => {
    const script = `import getPort, { portNumbers, clearLockedPorts } from 'ephemeral-ports/get-port';\n${CHECK}`;
    expect(await node(['--input-type=module', '-e', script])).toBe(EXPECTED);
  });

  it("require('ephemeral-ports/get-port') (CommonJS): the function itself, with get-port's names on it", async () => {
    const script = `const getPort = require('ephemeral-ports/get-port'); const { portNumbers, clearLockedPorts } = getPort;
if (getPort.default !== getPort) throw new Error('default is not the function');\n${CHECK}`;
    expect(await node(['-e', script])).toBe(EXPECTED);
  });

  /** An ES module that reaches the package both ways: `import` (the bundled build) and `require` (CommonJS). */
  const both = (body: string) =>
    node([
      '--input-type=module',
      '-e',
      `import getPort, { clearLockedPorts } from 'ephemeral-ports/get-port';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const cjsGetPort = require('ephemeral-ports/get-port');
const facade = require('ephemeral-ports');
${body}`,
    ]);

  it('import and require share one lock registry: ports taken through either are held, and released by either', async () => {
    const out = JSON.parse(
      await both(`const a = await getPort({ reserve: true });
const b = await cjsGetPort({ reserve: true });
const held = facade.heldPorts().map((h) => h.port);
clearLockedPorts();
const afterImport = facade.heldPorts().length;
await cjsGetPort({ reserve: true });
cjsGetPort.clearLockedPorts();
console.log(JSON.stringify({ a, b, held, afterImport, afterRequire: facade.heldPorts().length }));`),
    ) as { a: number; b: number; held: number[]; afterImport: number; afterRequire: number };
    expect(out.a).not.toBe(out.b);
    expect(out.held).toEqual([out.a, out.b].sort((x, y) => x - y));
    expect(out.afterImport).toBe(0);
    expect(out.afterRequire).toBe(0);
  });

  it("a backend injected through ephemeral-ports/testing (CommonJS) is the one the import build reads", async () => {
    const out = JSON.parse(
      await both(`const { createMemoryBackend, useBackend } = require('ephemeral-ports/testing');
useBackend(createMemoryBackend({ os: process.platform === 'linux' ? 'linux' : 'freebsd', range: { low: 1024, high: 64999 } }));
const ports = [];
for (let i = 0; i < 20; i++) ports.push(await getPort());
console.log(JSON.stringify(ports));`),
    ) as number[];
    // Only 65000-65535 is outside that range: without the injected backend, ports would come from the live one.
    for (const port of out) expect(port).toBeGreaterThanOrEqual(65_000);
  });

  it('searches a pool to its end through core\'s planning (a package of its own) and says when it is empty', async () => {
    const out = JSON.parse(
      await both(`const { createMemoryBackend, useBackend } = require('ephemeral-ports/testing');
// Everything but 65001-65010 is ephemeral or reserved: ten ports, most found only by core's full search.
const { PortSet } = require('ephemeral-ports/core');
useBackend(createMemoryBackend({ os: 'linux', range: { low: 1024, high: 65000 }, reserved: PortSet.fromRanges([{ low: 65011, high: 65535 }]) }));
const ports = [];
let error;
try { for (let i = 0; i < 12; i++) ports.push(await getPort({ reserve: true })); } catch (e) { error = e.code; }
console.log(JSON.stringify({ ports: ports.sort((x, y) => x - y), error }));`),
    ) as { ports: number[]; error: string };
    expect(out.ports).toEqual([65001, 65002, 65003, 65004, 65005, 65006, 65007, 65008, 65009, 65010]);
    expect(out.error).toBe('ERR_EPHEMERAL_NO_FREE_PORT');
  });

  it("its errors are instances of the classes require('ephemeral-ports') exports", async () => {
    const out = JSON.parse(
      await both(`const caught = [];
for (const options of [{ port: 'x' }, { exclude: [70000.5] }, { host: '192.0.2.1' }]) {
  try { await getPort(options); caught.push(null); } catch (e) {
    caught.push([e.code, e.constructor.name, e instanceof facade.EphemeralPortsError, e instanceof facade.EphemeralPortsTypeError, e instanceof facade.EphemeralPortsRangeError, e instanceof TypeError, e instanceof RangeError]);
  }
}
console.log(JSON.stringify(caught));`),
    );
    expect(out).toEqual([
      ['ERR_INVALID_ARG_TYPE', 'EphemeralPortsTypeError', false, true, false, true, false],
      ['ERR_OUT_OF_RANGE', 'EphemeralPortsRangeError', false, false, true, false, true],
      ['EADDRNOTAVAIL', 'EphemeralPortsError', true, false, false, false, false],
    ]);
  });
});
