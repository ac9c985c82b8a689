/** The built CLI against core's memory backend (EPHEMERAL_PORTS_BACKEND): output shapes, exit codes, errors. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from './run-cli.js';

beforeAll(assertBuilt);

let mem: MemoryEnv;
beforeEach(() => {
  mem = memoryEnv({ EP_TEST_RANGE: '32768-60999' });
});
afterEach(() => mem.cleanup());

describe('ephemeral-ports without a command (memory backend)', () => {
  it('prints the live range and a one-screen summary', async () => {
    const r = await runCli([], { ...mem.env, EP_TEST_RANGE: '40000-49999' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tcp range:\s+40000-49999 \(10000 ports\)/);
    expect(r.stdout).toMatch(/os default:\s+32768-60999 .*the live range differs/);
    expect(r.stdout).toContain('explain <port>');
    expect(r.stdout.split('\n').length).toBeLessThanOrEqual(24);
    expect(r.stderr).toBe('');
  });

  it('--json gives the range report plus the command list', async () => {
    const r = await runCli(['--json'], mem.env);
    const doc = JSON.parse(r.stdout);
    expect(doc.range).toEqual({ low: 32768, high: 60999 });
    expect(doc.commands).toEqual(expect.arrayContaining(['get', 'set', 'reserved', 'explain', 'defaults', 'emit']));
  });

  it('--help lists every command with its summary and the exit codes', async () => {
    const r = await runCli(['--help'], mem.env);
    expect(r.code).toBe(0);
    for (const c of ['get', 'set', 'reserved', 'explain', 'defaults', 'emit']) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    expect(r.stdout).toContain('77 permission denied');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], mem.env);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('get (memory backend)', () => {
  it('--json has the documented stable shape', async () => {
    const r = await runCli(['get', '--json'], { ...mem.env, EP_TEST_RANGE: '40000-50000' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(
      ['defaults', 'family', 'implementation', 'platform', 'protocol', 'range', 'release', 'reserved', 'size', 'source', 'warnings'].sort(),
    );
    expect(doc).toMatchObject({
      platform: 'linux',
      protocol: 'tcp',
      family: 4,
      range: { low: 40000, high: 50000 },
      size: 10001,
      source: 'memory',
      defaults: { low: 32768, high: 60999 },
      reserved: [],
    });
    // 40000 and 50000 are both even: Linux's equal-parity advice.
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('RANGE_EQUAL_PARITY');
  });

  it('human output names the range, source and default; warnings go to stderr', async () => {
    const r = await runCli(['get'], { ...mem.env, EP_TEST_RANGE: '40000-50000' });
    expect(r.stdout).toMatch(/tcp ephemeral range:\s+40000-50000 \(10001 ports\)/);
    expect(r.stdout).toMatch(/source:\s+memory/);
    expect(r.stderr).toMatch(/warning \[RANGE_EQUAL_PARITY\]/);
  });

  it('an unreadable live value falls back to the default, labelled as such', async () => {
    const r = await runCli(['get', '--json'], { ...mem.env, EP_TEST_FAIL_READ: '1' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toBe('default');
    expect(doc.range).toEqual({ low: 32768, high: 60999 });
    expect(doc.warnings[0].code).toBe('RANGE_NOT_READ');
    expect(doc.warnings[0].message).toContain('ENOENT');
    const human = await runCli(['get'], { ...mem.env, EP_TEST_FAIL_READ: '1' });
    expect(human.stdout).toContain('default (live value not readable)');
  });

  it('colour only on a TTY: piped output has no escape codes, with or without NO_COLOR', async () => {
    const r = await runCli(['set', '1-2'], { ...mem.env });
    expect(r.stderr).not.toContain('\u001b[');
    const n = await runCli(['get'], { ...mem.env, NO_COLOR: '1' });
    expect(n.stdout).not.toContain('\u001b[');
  });
});

describe('set (memory backend)', () => {
  it('changes the range; a later get sees it', async () => {
    const r = await runCli(['set', '40000', '50001'], mem.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('32768-60999 → 40000-50001');
    expect(mem.state()?.range).toEqual({ low: 40000, high: 50001 });
    const g = await runCli(['get', '--json'], mem.env);
    expect(JSON.parse(g.stdout).range).toEqual({ low: 40000, high: 50001 });
  });

  it('accepts low-high and prints the documented --json shape', async () => {
    const r = await runCli(['set', '40000-50001', '--json'], mem.env);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      platform: 'linux',
      protocol: 'tcp',
      dryRun: false,
      previous: { low: 32768, high: 60999 },
      requested: { low: 40000, high: 50001 },
      current: { low: 40000, high: 50001 },
      changed: true,
      persisted: null,
      forced: false,
    });
  });

  it.each([
    ['"32768 60999" (sysctl -n output, one word)', ['40000 50001']],
    ['a tab and a newline, as `sysctl -n` prints them', ['40000\t50001\n']],
    ['LOW-HIGH', ['40000-50001']],
    ['LOW:HIGH', ['40000:50001']],
    ['LOW HIGH (two words)', ['40000', '50001']],
  ])('reads the range from %s, through the one range parser', async (_, words) => {
    const r = await runCli(['set', ...words, '--dry-run', '--json'], mem.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, requested: { low: 40000, high: 50001 }, changed: true });
    expect(mem.state()).toBeNull();
  });

  it('--dry-run --persist shows the plan and the file content, and changes nothing', async () => {
    const r = await runCli(['set', '40000-50001', '--dry-run', '--persist', '--json'], mem.env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.dryRun).toBe(true);
    expect(doc.current).toEqual({ low: 32768, high: 60999 });
    expect(doc.persisted).toMatchObject({ written: false, after: '40000 50001\n', range: { low: 40000, high: 50001 } });
    expect(mem.state()).toBeNull();
  });

  it('refuses a too-small range with exit 3 and ERR_EPHEMERAL_UNSAFE_CHANGE; --force applies it with a warning', async () => {
    const r = await runCli(['set', '40000', '40101'], mem.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error [ERR_EPHEMERAL_UNSAFE_CHANGE]');
    expect(r.stderr).toContain('SAFETY_RANGE_TOO_SMALL');
    expect(mem.state()).toBeNull();
    const f = await runCli(['set', '40000', '40101', '--force', '--json'], mem.env);
    expect(f.code).toBe(0);
    const doc = JSON.parse(f.stdout);
    expect(doc.forced).toBe(true);
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('SAFETY_OVERRIDDEN');
    expect(mem.state()?.range).toEqual({ low: 40000, high: 40101 });
  });

  it('refuses overlap with the Kubernetes NodePort range unless told the cluster uses another one', async () => {
    const r = await runCli(['set', '20000-60999', '--json'], mem.env);
    expect(r.code).toBe(3);
    const err = JSON.parse(r.stderr);
    expect(err.error.code).toBe('ERR_EPHEMERAL_UNSAFE_CHANGE');
    expect(err.error.violations.map((v: { code: string }) => v.code)).toEqual(['SAFETY_OVERLAPS_NODEPORT']);
    const ok = await runCli(['set', '20000-60999', '--node-port-range', '10000-10999'], mem.env);
    expect(ok.code).toBe(0);
    expect(mem.state()?.range).toEqual({ low: 20000, high: 60999 });
  });

  it('refuses a range that would contain a listening service port (census of the backend)', async () => {
    const r = await runCli(['set', '40000-50001', '--json'], { ...mem.env, EP_TEST_LISTENING: '45000,8080' });
    expect(r.code).toBe(3);
    const err = JSON.parse(r.stderr);
    expect(err.error.violations[0].code).toBe('SAFETY_OVERLAPS_LISTENING');
    expect(err.error.violations[0].message).toContain('45000');
    expect(mem.state()).toBeNull();
  });

  it('maps EACCES/EPERM/EROFS to exit 77 and names the code', async () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      const r = await runCli(['set', '40000-50001'], { ...mem.env, EP_TEST_FAIL_SET: code });
      expect(r.code).toBe(77);
      expect(r.stderr).toContain(`error [${code}]`);
      expect(r.stderr).toContain('remedy: run as root');
    }
    const other = await runCli(['set', '40000-50001'], { ...mem.env, EP_TEST_FAIL_SET: 'EIO' });
    expect(other.code).toBe(1);
  });

  it('an OS-invalid range is exit 2 with every violation listed', async () => {
    const r = await runCli(['set', '0', '70000'], mem.env);
    expect(r.code).toBe(2);
    const inv = await runCli(['set', '500', '2000', '--json'], mem.env);
    expect(inv.code).toBe(2);
    const err = JSON.parse(inv.stderr);
    expect(err.error.code).toBe('ERR_EPHEMERAL_INVALID_RANGE');
    expect(err.error.violations[0].code).toBe('RANGE_BELOW_UNPRIVILEGED_START');
    expect(mem.state()).toBeNull();
  });
});

describe('reserved (memory backend)', () => {
  it('shows, adds, removes and clears reserved ports', async () => {
    expect((await runCli(['reserved'], mem.env)).stdout).toBe('reserved ports: none\n');
    const add = await runCli(['reserved', 'add', '8080', '9000-9100'], mem.env);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('none → 8080,9000-9100');
    const rem = await runCli(['reserved', 'remove', '9050', '--json'], mem.env);
    const doc = JSON.parse(rem.stdout);
    expect(doc.removed).toEqual([{ low: 9050, high: 9050 }]);
    expect(mem.state()?.reserved).toEqual([
      { low: 8080, high: 8080 },
      { low: 9000, high: 9049 },
      { low: 9051, high: 9100 },
    ]);
    const dry = await runCli(['reserved', 'set', 'none', '--dry-run'], mem.env);
    expect(dry.stdout).toContain('dry run');
    expect(mem.state()?.reserved).toHaveLength(3);
    await runCli(['reserved', 'set', 'none'], mem.env);
    expect(mem.state()?.reserved).toEqual([]);
  });

  it('is unsupported (exit 4) where the OS has no reserved list (emulated darwin rules)', async () => {
    const r = await runCli(['reserved'], { ...mem.env, EP_TEST_OS: 'darwin', EP_TEST_RANGE: '49152-65535' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
  });
});

describe('backend loading through the built binary', () => {
  it('a missing override module is ERR_EPHEMERAL_BACKEND_LOAD_FAILED (exit 4) with the cause, said once', async () => {
    const r = await runCli(['get'], { EPHEMERAL_PORTS_BACKEND: '/nonexistent/backend.js' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error [ERR_EPHEMERAL_BACKEND_LOAD_FAILED]');
    expect(r.stderr.split("Cannot find module '/nonexistent/backend.js'")).toHaveLength(2);
    const json = await runCli(['get', '--json'], { EPHEMERAL_PORTS_BACKEND: '/nonexistent/backend.js' });
    expect(JSON.parse(json.stderr).error.code).toBe('ERR_EPHEMERAL_BACKEND_LOAD_FAILED');
  });
});

describe('--help of every command', () => {
  for (const name of ['get', 'set', 'reserved', 'explain', 'defaults', 'emit']) {
    it(`${name} --help has Usage, Options and Examples and changes nothing`, async () => {
      const r = await runCli([name, '--help'], mem.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: ephemeral-ports /);
      expect(r.stdout).toContain('\nOptions:\n');
      expect(r.stdout).toContain('\nExamples:\n');
      const h = await runCli(['help', name], mem.env);
      expect(h.stdout).toBe(r.stdout);
      expect(mem.state()).toBeNull();
    });
  }
});
