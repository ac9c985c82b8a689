#!/usr/bin/env node
/**
 * Lints every published package from the tarball npm would publish: publint (package.json ↔ files, exports,
 * bin) and @arethetypeswrong/cli (ESM + CJS + types resolve the same way under node10, node16-cjs, node16-esm
 * and bundler resolution). Exits non-zero when either reports an error or a warning.
 *
 *   node scripts/packaging/check-packages.mjs [--tarballs <dir>]
 *
 * Without --tarballs it packs everything first (scripts/packaging/pack-all.mjs, a few minutes).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { ROOT, packAll } from './pack-all.mjs';

const run = promisify(execFile);
const ATTW = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
// node16 and bundler resolution: subpaths cannot resolve under TypeScript's legacy node10 mode, which predates
// exports maps. named-exports: attw counts the type-only names the front door re-exports (PortRange,
// TestRunner...) as values the CommonJS build lacks; the value names are checked against the build by
// test/bundle/entries.test.ts (require, import and the bundlers' ESM export the same names).
const ATTW_OPTIONS = ['--profile', 'node16', '--ignore-rules', 'named-exports'];

/** publint on the tarball's own file list; suggestions are printed, warnings and errors fail. */
async function lintManifest(tarball) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  return messages.map((m) => ({ severity: m.type, text: formatMessage(m, pkg) ?? m.code }));
}

/** attw on the tarball; its JSON lists problems (empty when ESM, CJS and types agree everywhere). */
async function checkTypes(tarball) {
  let stdout;
  try {
    ({ stdout } = await run(process.execPath, [ATTW, tarball, '--format', 'json', ...ATTW_OPTIONS], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // attw exits 1 when it finds problems; the JSON is still on stdout.
    stdout = error.stdout;
    if (!stdout) throw error;
  }
  const report = JSON.parse(stdout);
  // The JSON lists every problem, also those the profile and ignored rules leave out (they decide the exit code
  // only), so the same two exclusions are applied here.
  const problems = (report.analysis?.problems ?? []).filter(
    (p) => p.resolutionKind !== 'node10' && p.kind !== 'NamedExports',
  );
  return problems.map((p) => ({
    severity: 'error',
    text: `attw ${p.kind}${p.entrypoint ? ` at ${p.entrypoint}` : ''}${p.resolutionKind ? ` (${p.resolutionKind})` : ''}`,
  }));
}

/** @returns {Promise<Array<{ tarball: string, messages: Array<{ severity: string, text: string }> }>>} */
export async function checkTarballs(tarballs) {
  const results = [];
  for (const tarball of tarballs) {
    const messages = [...(await lintManifest(tarball)), ...(await checkTypes(tarball))];
    results.push({ tarball, messages });
  }
  return results;
}

export const failing = (results) =>
  results.flatMap((r) => r.messages.filter((m) => m.severity !== 'suggestion').map((m) => `${r.tarball}: ${m.text}`));

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--tarballs');
  let dir = at >= 0 ? resolve(args[at + 1]) : undefined;
  let temp;
  if (!dir) {
    dir = temp = mkdtempSync(join(tmpdir(), 'ephports-check-'));
    await packAll(dir);
  }
  try {
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f));
    if (!tarballs.length) throw new Error(`no .tgz in ${dir}`);
    const results = await checkTarballs(tarballs);
    for (const { tarball, messages } of results) {
      console.log(`${messages.some((m) => m.severity !== 'suggestion') ? 'FAIL' : 'ok  '} ${tarball}`);
      for (const m of messages) console.log(`     ${m.severity}: ${m.text}`);
    }
    const bad = failing(results);
    if (bad.length) {
      console.error(`\n${bad.length} publint/attw problem(s)`);
      process.exitCode = 1;
    }
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
