/**
 * Versions move together (lerna fixed mode, exact pins): `lerna version 0.1.1 --no-push --no-git-tag-version`
 * runs in a throwaway git repo holding copies of the manifests, lerna.json and the lockfile — never in the
 * working tree — and every package, every inter-package dependency and the lockfile must then say 0.1.1.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/packaging/pack-all.mjs';
import { runOk } from './npm-cli.js';

const NEXT = '0.1.1';
const GIT = '/usr/bin/git';
const LERNA = join(ROOT, 'node_modules/lerna/dist/cli.js');

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const packageDirs = () => readdirSync(join(ROOT, 'packages')).filter((d) => {
  try {
    readFileSync(join(ROOT, 'packages', d, 'package.json'));
    return true;
  } catch {
    return false;
  }
});

describe('lerna version (fixed mode) in a throwaway copy of the repo', () => {
  let copy: string;
  let before: Map<string, Manifest>;
  let names: Set<string>;
  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'ephports-lerna-'));
    for (const file of ['package.json', 'lerna.json', 'package-lock.json']) cpSync(join(ROOT, file), join(copy, file));
    before = new Map();
    for (const dir of packageDirs()) {
      mkdirSync(join(copy, 'packages', dir), { recursive: true });
      cpSync(join(ROOT, 'packages', dir, 'package.json'), join(copy, 'packages', dir, 'package.json'));
      before.set(dir, readJson<Manifest>(join(ROOT, 'packages', dir, 'package.json')));
    }
    names = new Set([...before.values()].map((m) => m.name));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const git = (...args: string[]) =>
      execFileSync(GIT, ['-c', 'user.name=packaging-test', '-c', 'user.email=packaging@test.invalid', ...args], { cwd: copy });
    git('init', '--quiet');
    git('add', '--all');
    git('commit', '--quiet', '--message', 'snapshot');
    await runOk(process.execPath, [LERNA, 'version', NEXT, '--no-push', '--no-git-tag-version', '--yes'], copy, {
      ...process.env,
      CI: 'true',
    });
  }, 120_000);
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('started from one shared version', () => {
    const versions = new Set([...before.values()].map((m) => m.version));
    expect(versions).toEqual(new Set([readJson<{ version: string }>(join(ROOT, 'lerna.json')).version]));
    expect(versions.has(NEXT)).toBe(false);
  });

  it(`moved lerna.json and every package to ${NEXT}`, () => {
    expect(readJson<{ version: string }>(join(copy, 'lerna.json')).version).toBe(NEXT);
    for (const dir of before.keys()) {
      expect(readJson<Manifest>(join(copy, 'packages', dir, 'package.json')).version, dir).toBe(NEXT);
    }
  });

  it(`pinned every inter-package dependency exactly to ${NEXT}, leaving third-party ranges alone`, () => {
    let internal = 0;
    for (const [dir, old] of before) {
      const now = readJson<Manifest>(join(copy, 'packages', dir, 'package.json'));
      for (const field of ['dependencies', 'optionalDependencies'] as const) {
        for (const [dep, range] of Object.entries(now[field] ?? {})) {
          if (names.has(dep)) {
            internal++;
            expect(range, `${dir} ${field} ${dep}`).toBe(NEXT);
          } else {
            expect(range, `${dir} ${field} ${dep}`).toBe(old[field]![dep]);
          }
        }
      }
    }
    // core is a dependency of every other package; the facade also names every OS package (optionalDependencies).
    const osPackages = Object.keys(before.get('ephemeral-ports')!.optionalDependencies ?? {}).length;
    expect(osPackages).toBe(before.size - 2);
    expect(internal).toBe(before.size - 1 + osPackages);
  });

  it(`updated the workspace entries of package-lock.json to ${NEXT}`, () => {
    const lock = readJson<{ packages: Record<string, Manifest> }>(join(copy, 'package-lock.json'));
    const workspaces = Object.entries(lock.packages).filter(([key]) => key.startsWith('packages/'));
    expect(workspaces.length).toBeGreaterThan(0);
    for (const [key, entry] of workspaces) {
      expect(entry.version, key).toBe(NEXT);
      for (const [dep, range] of Object.entries({ ...entry.dependencies, ...entry.optionalDependencies })) {
        if (names.has(dep)) expect(range, `${key} ${dep}`).toBe(NEXT);
      }
    }
  });
});
