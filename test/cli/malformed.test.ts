/** Malformed invocations: each exits 2 with a usage-class error code on stderr, and the range is left alone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from './run-cli.js';

const MALFORMED: ReadonlyArray<readonly string[]> = [
  ['set'],
  ['set', '40000'],
  ['set', '40000', '50001', '60000'],
  ['set', 'abc', 'def'],
  ['set', '40000-'],
  ['set', '-40000', '50001'],
  ['set', '50001', '40000'],
  ['set', '40000', '70000'],
  ['set', '4e4', '50001'],
  ['set', '0x9c40', '50001'],
  ['set', '40000.5', '50001'],
  ['set', '40000-50001', '--protocol', 'sctp'],
  ['set', '40000-50001', '--protocol'],
  ['set', '40000-50001', '--bogus'],
  ['set', '40000-50001', '--force=yes'],
  ['set', '40000-50001', '--file', '/tmp/x.conf'],
  ['set', '40000-50001', '--dry-run', '--dry-run'],
  ['set', '40000-50001', '--min-size', 'lots'],
  ['set', '40000-50001', '--node-port-range', '3-2'],
  ['set', '40000 50001 60000'],
  ['set', '40000\t'],
  ['set', '40000..50001'],
  ['set', '40000-50001', '-x'],
  ['set', '', ''],
  ['frobnicate'],
  ['get', 'extra'],
  ['get', '--netns'],
  ['get', '--protocol=icmp'],
  ['explain'],
  ['explain', '65536'],
  ['explain', 'http'],
  ['explain', '80', '--host', 'localhost'],
  ['reserved', 'set'],
  ['reserved', 'set', '8080,abc'],
  ['reserved', 'add', '9000-8000'],
  ['reserved', 'frob', '80'],
  ['reserved', '--dry-run'],
  ['defaults', 'plan9'],
  ['defaults', '--release', '6.1'],
  ['defaults', 'linux', '--release', 'abc'],
  ['defaults', 'windows', '--release', 'latest'],
  ['emit'],
  ['emit', 'puppet', '40000-50001'],
  ['emit', 'sysctl', '500-2000'],
  ['emit', 'windows-netsh', '1000-2000'],
  ['emit', 'sysctl', '40000-50001', '--host-network'],
  ['emit', 'sysctl', '40000-50001', '--protocol', 'udp'],
  ['emit', 'kubernetes', '40000-50001', '--kind', 'deployment-patch', '--image', 'nginx'],
  ['--bogus'],
  ['get', '--json', '--json'],
];

/** The codes that exit 2 (docs/errors.md): argument errors, CLI words, and what the OS's rules refuse. */
const USAGE_CLASS = [
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_OUT_OF_RANGE',
  'ERR_EPHEMERAL_USAGE',
  'ERR_EPHEMERAL_INVALID_RANGE',
  'ERR_EPHEMERAL_INVALID_PORT_LIST',
];

describe('malformed CLI invocations (memory backend)', () => {
  let mem: MemoryEnv;
  beforeAll(() => {
    assertBuilt();
    mem = memoryEnv({ EP_TEST_RANGE: '32768-60999' });
  });
  afterAll(() => mem.cleanup());

  it(`has at least 20 cases (${MALFORMED.length})`, () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(20);
  });

  // Run in small parallel batches: each case is its own process.
  for (let i = 0; i < MALFORMED.length; i += 6) {
    const batch = MALFORMED.slice(i, i + 6);
    it(`exit 2 with a usage-class code and nothing changed: ${batch.map((a) => JSON.stringify(a.join(' '))).join(', ')}`, async () => {
      const results = await Promise.all(batch.map((args) => runCli([...args, ...(args.includes('--json') ? [] : ['--json'])], mem.env)));
      results.forEach((r, j) => {
        const label = JSON.stringify(batch[j]);
        expect(r.code, `${label}: ${r.stderr}`).toBe(2);
        expect(r.stdout, label).toBe('');
        const body = JSON.parse(r.stderr);
        expect(USAGE_CLASS, label).toContain(body.error.code);
        expect(body.exitCode).toBe(2);
      });
      // The double writes its state file on every change: no file means nothing was ever changed.
      expect(mem.state()).toBeNull();
    });
  }

  it('human form: "error [ERR_EPHEMERAL_USAGE]: ..." on stderr and a pointer to --help', async () => {
    const r = await runCli(['set', '40000-50001', '--bogus'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[ERR_EPHEMERAL_USAGE\]: unknown option --bogus\n/);
    expect(r.stderr).toContain('--help');
  });

  it('range text that does not parse is ERR_INVALID_ARG_VALUE naming the accepted forms, words that do not fit are ERR_EPHEMERAL_USAGE', async () => {
    const bad = await runCli(['set', '50001-40000'], mem.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error \[ERR_INVALID_ARG_VALUE\]: The "range" argument has low \(50001\) above high \(40000\); expected LOW-HIGH, LOW:HIGH or "LOW HIGH"/);
    const npr = await runCli(['set', '40000-50001', '--node-port-range', 'x'], mem.env);
    expect(npr.stderr).toContain('The "--node-port-range" argument is not two port numbers');
    const many = await runCli(['set', '40000', '50001', '60000', '--json'], mem.env);
    expect(JSON.parse(many.stderr).error.code).toBe('ERR_EPHEMERAL_USAGE');
  });
});
