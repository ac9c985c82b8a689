/**
 * The built subpath, as an app reaches it through the package's exports map: `import getPort, { portNumbers,
 * clearLockedPorts } from 'ephemeral-ports/get-port'` (ESM: the default import must be the function, which a plain
 * CommonJS build would not give) and `require('ephemeral-ports/get-port')` (CommonJS: the function, with `default`,
 * `portNumbers` and `clearLockedPorts` on it). Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = `${ROOT}packages/ephemeral-ports/dist/get-port.js`;
const built = existsSync(BUILT);

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

describe.runIf(built)(`the built ephemeral-ports/get-port${built ? '' : ' (skipped: packages/ephemeral-ports/dist/get-port.js is not built)'}`, () => {
  it('import getPort, { portNumbers, clearLockedPorts } from it (ESM)', async () => {
    const script = `import getPort, { portNumbers, clearLockedPorts } from 'ephemeral-ports/get-port';\n${CHECK}`;
    expect(await node(['--input-type=module', '-e', script])).toBe(EXPECTED);
  });

  it("require('ephemeral-ports/get-port') (CommonJS): the function itself, with get-port's names on it", async () => {
    const script = `const getPort = require('ephemeral-ports/get-port'); const { portNumbers, clearLockedPorts } = getPort;
if (getPort.default !== getPort) throw new Error('default is not the function');\n${CHECK}`;
    expect(await node(['-e', script])).toBe(EXPECTED);
  });
});
