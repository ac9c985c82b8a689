/**
 * The published shape: `npm pack` core and linux (linux's prepack copies the top-level native/ into the package
 * and builds the linux-x64 prebuild; run in a copy of the repo layout), install both tarballs in a fresh directory outside the repo, then load
 * the package with require() and import and read the range through the prebuilt addon. Finally build the addon
 * from the tarball's own C++ sources, as a consumer without a fitting prebuild would.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/netns.js';

const NPM_CLI = realpathSync(join(dirname(process.execPath), 'npm'));
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<string>((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}
const npm = (args: string[], cwd: string) => run(process.execPath, [NPM_CLI, ...args], cwd);
const node = (args: string[], cwd: string) => run(process.execPath, args, cwd);

const READ_CJS = `
const { createLinuxBackend } = require('@ephemeral-ports/linux');
const backend = createLinuxBackend({ implementation: 'native' });
console.log(JSON.stringify({ info: backend.info(), reading: backend.getRangeSync() }));`;
const READ_ESM = `
import { createLinuxBackend } from '@ephemeral-ports/linux';
const backend = createLinuxBackend({ implementation: 'native' });
console.log(JSON.stringify({ reading: await backend.getRange() }));`;

function expectedRange() {
  const [low, high] = readFileSync(RANGE_FILE, 'latin1').trim().split(/\s+/).map(Number);
  return { low, high };
}

describe.runIf(process.platform === 'linux')('linux package from its npm pack tarball (needs the npm registry for its deps)', () => {
  let work: string;
  let app: string;
  let installed: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ephports-pack-'));
    if (!existsSync(join(ROOT_DIR, 'packages/core/dist/index.js'))) await npm(['run', 'build'], join(ROOT_DIR, 'packages/core'));
    await npm(['pack', '--pack-destination', work], join(ROOT_DIR, 'packages/core'));
    // Pack from a copy of the repo's layout, so prepack's build (dist/, prebuilds/) never races with other
    // tests that load this package from the working tree.
    const repo = join(work, 'repo');
    const skip = new Set(['node_modules', 'build', 'prebuilds', 'dist', 'native']);
    cpSync(join(ROOT_DIR, 'packages/linux'), join(repo, 'packages/linux'), {
      recursive: true,
      filter: (src) => !skip.has(basename(src)) || dirname(src) !== join(ROOT_DIR, 'packages/linux'),
    });
    for (const dir of ['common', 'linux']) cpSync(join(ROOT_DIR, 'native', dir), join(repo, 'native', dir), { recursive: true });
    cpSync(join(ROOT_DIR, 'tsconfig.base.json'), join(repo, 'tsconfig.base.json'));
    symlinkSync(join(ROOT_DIR, 'node_modules'), join(repo, 'node_modules'));
    await npm(['pack', '--pack-destination', work], join(repo, 'packages/linux'));
    expect(existsSync(join(repo, 'packages/linux/native'))).toBe(false); // postpack removed the copy
    app = join(work, 'app');
    await run('/usr/bin/mkdir', [app], work);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'pack-test-app',
        private: true,
        dependencies: {
          '@ephemeral-ports/core': `file:${join(work, 'ephemeral-ports-core-0.1.0.tgz')}`,
          '@ephemeral-ports/linux': `file:${join(work, 'ephemeral-ports-linux-0.1.0.tgz')}`,
        },
      }),
    );
    await npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
    installed = join(app, 'node_modules/@ephemeral-ports/linux');
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships dist, the prebuild and the C++ sources', () => {
    expect(readdirSync(join(installed, 'prebuilds/linux-x64')).some((f) => f.endsWith('.node'))).toBe(true);
    expect(existsSync(join(installed, 'native/linux/addon.cc'))).toBe(true);
    expect(existsSync(join(installed, 'native/common/system_error.h'))).toBe(true);
    expect(existsSync(join(installed, 'dist/index.js')) && existsSync(join(installed, 'dist/index.mjs'))).toBe(true);
  });

  it('require() and import read the live range through the prebuilt addon', async () => {
    const cjs = JSON.parse(await node(['-e', READ_CJS], app)) as {
      info: { implementation: string };
      reading: { range: unknown; source: string };
    };
    expect(cjs.info.implementation).toBe('native');
    expect(cjs.reading).toMatchObject({ range: expectedRange(), source: 'native:procfs' });
    expect(existsSync(join(installed, 'build'))).toBe(false); // so the addon came from prebuilds/
    const esm = JSON.parse(await node(['--input-type=module', '-e', READ_ESM], app)) as { reading: unknown };
    expect(esm.reading).toMatchObject({ range: expectedRange() });
  });

  it('builds from the tarball\'s own sources (no prebuild fits) and loads that build', async () => {
    const nodeGyp = join(ROOT_DIR, 'node_modules/node-gyp/bin/node-gyp.js');
    const headers = join(dirname(dirname(process.execPath)));
    await node([nodeGyp, 'rebuild', `--nodedir=${headers}`], installed);
    expect(existsSync(join(installed, 'build/Release/ephemeral_ports_linux.node'))).toBe(true);
    rmSync(join(installed, 'prebuilds'), { recursive: true, force: true });
    const cjs = JSON.parse(await node(['-e', READ_CJS], app)) as { info: { implementation: string }; reading: unknown };
    expect(cjs.info.implementation).toBe('native');
    expect(cjs.reading).toMatchObject({ range: expectedRange() });
  }, 300_000);
});
