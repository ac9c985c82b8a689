/**
 * What every published package.json says about itself (read from the repo; published.test.ts checks the tarballs):
 * a LICENSE, where the code and the issues are, keywords, a README, and one Node floor that the matrix runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEWER_VERSIONS, floorVersion } from '../../scripts/node-matrix.mjs';
import { PACKAGE_DIRS } from '../../scripts/packaging/pack-all.mjs';
import { TARGETS } from '../../scripts/prebuild/targets.mjs';
import { ROOT_DIR } from '../helpers/netns.js';

interface Manifest {
  name: string;
  license: string;
  repository: { type: string; url: string; directory: string };
  homepage: string;
  bugs: { url: string };
  keywords?: string[];
  engines: { node: string };
  files: string[];
  scripts?: Record<string, string>;
  os?: unknown;
  cpu?: unknown;
  libc?: unknown;
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(ROOT_DIR, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
const LICENSE = readFileSync(join(ROOT_DIR, 'LICENSE'), 'utf8');

describe('published package metadata', () => {
  it.each([...PACKAGE_DIRS])('packages/%s: MIT LICENSE (the root one), README, repository, homepage, bugs, keywords', (dir) => {
    const m = manifest(dir);
    expect(m.license).toBe('MIT');
    expect(readFileSync(join(ROOT_DIR, 'packages', dir, 'LICENSE'), 'utf8')).toBe(LICENSE);
    expect(existsSync(join(ROOT_DIR, 'packages', dir, 'README.md'))).toBe(true);
    expect(m.files).toEqual(expect.arrayContaining(['README.md', 'LICENSE']));
    expect(m.repository).toEqual({ type: 'git', url: manifest('ephemeral-ports').repository.url, directory: `packages/${dir}` });
    expect(m.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
    const web = m.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(m.homepage).toBe(`${web}/tree/main/packages/${dir}#readme`);
    expect(m.bugs).toEqual({ url: `${web}/issues` });
    expect(m.keywords?.length).toBeGreaterThan(3);
  });

  it('one Node floor everywhere, which the matrix runs beside 22 and 24', () => {
    const floors = new Set(PACKAGE_DIRS.map((dir) => manifest(dir).engines.node));
    expect([...floors]).toEqual([`>=${floorVersion()}`]);
    expect(NEWER_VERSIONS.map((v) => Number(v.split('.')[0]))).toEqual([22, 24]);
  });

  it('no os/cpu/libc field in the repo: packing writes "os"; no cpu/libc, since other CPUs and libcs build from source', () => {
    for (const dir of PACKAGE_DIRS) {
      const m = manifest(dir);
      expect([m.os, m.cpu, m.libc], dir).toEqual([undefined, undefined, undefined]);
    }
  });

  it('each addon package builds its own prebuilds at prepack', () => {
    for (const pkg of new Set(TARGETS.map((t) => t.pkg))) {
      const m = manifest(pkg);
      expect(m.files, pkg).toContain('prebuilds');
      expect(m.scripts?.prepack, pkg).toContain(`scripts/prebuild/prebuild-all.mjs ${pkg}`);
    }
  });
});
