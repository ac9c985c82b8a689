/**
 * The layout's rules (docs/ARCHITECTURE.md), checked on the sources: core is OS-agnostic, packages meet only by
 * name, and no module imports itself through a cycle.
 */
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/netns.js';
import { importCycles, packageOfTarget, packageSources, specifiersOf } from './module-graph.js';

const sources = packageSources();
const where = (file: string) => relative(ROOT_DIR, file);
const isUnderTestDir = (from: string, specifier: string) =>
  relative(ROOT_DIR, resolve(dirname(from), specifier)).startsWith('test/');

describe('architecture', () => {
  it('reads the import statements it checks (the rules below would pass vacuously otherwise)', () => {
    expect(specifiersOf("import { a } from './a.js';\nexport * from '@x/y';\nconst m = await import('node:fs');")).toEqual([
      './a.js',
      '@x/y',
      'node:fs',
    ]);
    expect(specifiersOf("import type { T } from './t.js'; // import './commented.js'")).toEqual(['./t.js']);
    expect(sources.filter((f) => f.pkg === 'core').length).toBeGreaterThan(10);
  });

  it('core imports no I/O module and no OS package (it is the OS-agnostic model)', () => {
    const forbidden = /^(?:node:)?(?:fs|fs\/promises|child_process|net|dgram|os|dns)$|^@ephemeral-ports\/(?!core$)|^ephemeral-ports/;
    const found = sources
      .filter((f) => f.pkg === 'core' && !f.isTest)
      .flatMap((f) => f.specifiers.filter((s) => forbidden.test(s)).map((s) => `${where(f.file)} imports ${s}`));
    expect(found).toEqual([]);
  });

  it('no package reaches into another package by path (packages import each other by name)', () => {
    // Unit tests may use the repo's shared test doubles (test/); nothing else leaves its package by path.
    const sharedTestCode = (file: string, s: string) => /\.test\.ts$/.test(file) && isUnderTestDir(file, s);
    const found = sources.flatMap((f) =>
      f.specifiers
        .filter((s) => s.startsWith('.'))
        .filter((s) => packageOfTarget(f.file, s) !== f.pkg && !sharedTestCode(f.file, s))
        .map((s) => `${where(f.file)} imports ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('an OS package imports no other OS package and not the facade', () => {
    const os = new Set(sources.map((f) => f.pkg).filter((p) => p !== 'core' && p !== 'ephemeral-ports'));
    const found = sources
      .filter((f) => os.has(f.pkg))
      .flatMap((f) =>
        f.specifiers
          .filter((s) => /^@ephemeral-ports\/(?!core(?:\/|$))|^ephemeral-ports(?:\/|$)/.test(s))
          .map((s) => `${where(f.file)} imports ${s}`),
      );
    expect(found).toEqual([]);
  });

  it('the facade imports no OS package (it loads them through the platform table)', () => {
    const found = sources
      .filter((f) => f.pkg === 'ephemeral-ports' && !f.isTest)
      .flatMap((f) =>
        f.specifiers.filter((s) => /^@ephemeral-ports\/(?!core(?:\/|$))/.test(s)).map((s) => `${where(f.file)} imports ${s}`),
      );
    expect(found).toEqual([]);
  });

  it('has no import cycles (type-only imports included)', () => {
    expect(importCycles(sources)).toEqual([]);
  });
});
