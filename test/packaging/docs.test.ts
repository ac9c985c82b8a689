/**
 * Documentation ships with the product: the typedoc API reference (typedoc.json, `npm run docs`) builds from the
 * TSDoc of core and the facade, every published package has a README in its tarball's file list, and
 * CHANGELOG.md follows Keep a Changelog with an entry for the current version.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIRS, ROOT } from '../../scripts/packaging/pack-all.mjs';
import { runOk } from './npm-cli.js';

const TYPEDOC = join(ROOT, 'node_modules/typedoc/bin/typedoc');
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('API reference (typedoc, from TSDoc)', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'ephports-docs-'));
    await runOk(process.execPath, [TYPEDOC, '--out', out, '--logLevel', 'Error'], ROOT, process.env);
  }, 180_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('has one module per entry point of the facade (typedoc.json): the root and each subpath', () => {
    const { entryPoints } = readJson<{ entryPoints: string[] }>(join(ROOT, 'typedoc.json'));
    const expected = entryPoints.map((e) => `${e.replace(/^.*\/src\//, '').replace(/\.ts$/, '')}.html`).sort();
    expect(readdirSync(join(out, 'modules')).sort()).toEqual(expected);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('ephemeral-ports');
  });

  it('documents the facade API and core with their TSDoc text', () => {
    const pages = (dir: string) => readdirSync(join(out, dir));
    const fn = pages('functions').find((f) => /^index\.getEphemeralRange\.html$/.test(f));
    expect(fn, pages('functions').join(' ')).toBeDefined();
    const error = pages('classes').find((f) => f.endsWith('core.EphemeralPortsError.html'));
    expect(error).toBeDefined();
    // The TSDoc summary of validateRange in core, rendered into its page.
    const validate = pages('functions').find((f) => f.endsWith('core.validateRange.html'));
    expect(validate).toBeDefined();
    expect(readFileSync(join(out, 'functions', validate!), 'utf8')).toMatch(/<div class="tsd-comment tsd-typography"><p>\S/);
  });
});

describe('READMEs and changelog', () => {
  it.each(PACKAGE_DIRS)('packages/%s has a README.md that its package.json "files" ships', (dir) => {
    const readme = join(ROOT, 'packages', dir, 'README.md');
    expect(existsSync(readme)).toBe(true);
    const pkg = readJson<{ name: string; files: string[] }>(join(ROOT, 'packages', dir, 'package.json'));
    expect(readFileSync(readme, 'utf8')).toMatch(new RegExp(`^# ${pkg.name.replace(/[/@]/g, '\\$&')}\\b`));
    expect(pkg.files).toContain('README.md');
  });

  it('CHANGELOG.md is Keep a Changelog with an entry for the current lerna version', () => {
    const log = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const { version } = readJson<{ version: string }>(join(ROOT, 'lerna.json'));
    expect(log).toMatch(/^# Changelog/);
    expect(log).toContain('https://keepachangelog.com/en/1.1.0/');
    expect(log).toMatch(/^## \[Unreleased\]$/m);
    const entry = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm');
    expect(log).toMatch(entry);
    const body = log.slice(log.search(entry)).split(/^## /m)[1]!;
    expect(body).toMatch(/^### Added$/m);
  });
});
