/**
 * `ephemeral-ports report --bundle` from the BUILT CLI: help, the --json summary, stdout, the file's mode and
 * atomic replacement, the refusal of a symlinked target, and no environment in the bundle. The Linux case runs on
 * the real kernel in a namespace; the others use the memory backend (a module whose createBackend takes no options,
 * so its bundle holds no raw reads, which the summary then says).
 */
import { chmodSync, linkSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SupportBundle } from 'ephemeral-ports/diagnostics';
import { NETNS_REQUIREMENT, type Netns, SYSCTL, canUseNetns, createNetns } from '../helpers/netns.js';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from '../cli/run-cli.js';
import { replayBundle, stepsChecked } from './replay.js';

const SECRET = { EP_BUNDLE_TEST_SECRET: 'tok-9d2e71b0-not-for-bundles', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY' };
const secretsIn = (text: string) => Object.entries(SECRET).filter(([k, v]) => text.includes(k) || text.includes(v));

let dir: string;
let mem: MemoryEnv;
beforeEach(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ep-bundle-cli-'));
  mem = memoryEnv({ EP_TEST_LISTENING: '8080', ...SECRET });
});
afterEach(() => {
  mem.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('report --bundle (built CLI)', () => {
  it('--help describes --bundle, its mode and where to attach it', async () => {
    const r = await runCli(['report', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--bundle <file>.*mode 0600/);
    expect(r.stdout).toContain('docs/support-bundle.md');
    expect(r.stdout).toContain('report --bundle');
  });

  it('--json says where the bundle went; the file is mode 0600, JSON, versioned, without the environment', async () => {
    const file = join(dir, 'bundle.json');
    const r = await runCli(['report', '--bundle', file, '--json'], mem.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ bundle: file, rawReads: 0, failedSteps: expect.any(Array) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const bundle = JSON.parse(text) as SupportBundle;
    expect(bundle).toMatchObject({ format: 'ephemeral-ports-support-bundle', formatVersion: 1, backend: { value: { os: 'linux' } } });
    expect(bundle.parsed.range.tcp).toMatchObject({ value: { range: { low: 32768, high: 60999 } } });
    expect(secretsIn(text)).toEqual([]);
    expect(text).not.toContain(process.env.HOME ?? '/root-home-never');
  });

  it('replaces an existing file atomically (a new inode: another link keeps the old bytes) and makes it 0600', async () => {
    const file = join(dir, 'bundle.json');
    const other = join(dir, 'other-link');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o644);
    linkSync(file, other);
    const r = await runCli(['report', '--bundle', file], mem.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${file} \\(support bundle, mode 0600\\): 0 raw read\\(s\\)`));
    expect(readFileSync(other, 'utf8')).toBe('old\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('ephemeral-ports-support-bundle');
    expect(readdirSync(dir).sort()).toEqual(['bundle.json', 'other-link']); // no temporary file left
  });

  it('refuses a symlinked target (exit 2) and leaves what it points to alone', async () => {
    const target = join(dir, 'target');
    const link = join(dir, 'bundle.json');
    writeFileSync(target, 'keep\n');
    symlinkSync(target, link);
    const r = await runCli(['report', '--bundle', link], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--bundle.*symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('with --html refused (a directory), exit 2 and no bundle written: both targets are checked before either is written', async () => {
    const bundle = join(dir, 'first.json');
    const r = await runCli(['report', '--bundle', bundle, '--html', dir], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--html.*directory/);
    expect(readdirSync(dir)).not.toContain('first.json');
  });

  it('--bundle - writes the bundle to stdout and the sentence to stderr; with --json it is a usage error', async () => {
    const r = await runCli(['report', '--bundle', '-'], mem.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('ephemeral-ports-support-bundle');
    expect(r.stderr).toMatch(/^wrote the support bundle to stdout/);
    const both = await runCli(['report', '--bundle', '-', '--json'], mem.env);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
  });

  it('--html and --bundle together write both, from one snapshot', async () => {
    const html = join(dir, 'r.html');
    const file = join(dir, 'b.json');
    const r = await runCli(['report', '--html', html, '--bundle', file, '--json'], mem.env);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ html, bundle: file, verdict: expect.stringMatching(/^(ok|warn|critical)$/) });
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as SupportBundle;
    expect(bundle.parsed.doctor).toEqual({ value: { verdict: summary.verdict, findings: summary.findings } });
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
  });
});

describe.runIf(canUseNetns)(`report --bundle --netns on the real kernel (built CLI) ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(33000, 44000);
    const r = await ns.exec(SYSCTL, ['-q', '-w', 'net.ipv4.ip_local_reserved_ports=33333']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => ns?.close());

  it('records the procfs texts of that namespace, and the bundle replays', async () => {
    const file = join(dir, 'bundle.json');
    const r = await runCli(['report', '--bundle', file, '--netns', ns.path, '--json'], SECRET);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.rawReads).toBeGreaterThanOrEqual(3);
    const text = readFileSync(file, 'utf8');
    const bundle = JSON.parse(text) as SupportBundle;
    expect(bundle.raw).toContainEqual({
      kind: 'file',
      path: '/proc/sys/net/ipv4/ip_local_port_range',
      netns: ns.path,
      via: 'native:procfs',
      text: '33000\t44000\n',
    });
    expect(bundle.raw).toContainEqual(expect.objectContaining({ path: '/proc/sys/net/ipv4/ip_local_reserved_ports', text: '33333\n' }));
    expect(stepsChecked(replayBundle(bundle))).toEqual(expect.arrayContaining(['range.tcp', 'reserved.tcp', 'constraints.tcp']));
    expect(secretsIn(text)).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
