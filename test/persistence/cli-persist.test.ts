/**
 * The built CLI: `persist status` (text and --json), `set --persist` warning when a later file overrides what it
 * wrote, `doctor`'s PERSIST_OVERRIDDEN finding and its remedies. Each case lays out a boot tree in a temporary root
 * (EPHEMERAL_PORTS_SYSCTL_ROOT); commands that change the live range run inside a private network namespace.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LINUX_PERSIST_FILE, widenCommands } from '@ephemeral-ports/core';
import { SYSCTL_D_DIR, SYSCTL_D_FILE } from '../../packages/linux/src/persist.js';
import { NETNS_REQUIREMENT, type Netns, canUseNetns, createNetns } from '../helpers/netns.js';
import { BIN, assertBuilt, runCli } from '../cli/run-cli.js';
import { type TempRoot, tempRoot } from './tree.js';

const OURS = 'etc/sysctl.d/90-ephemeral-ports.conf';
const CUSTOM = 'etc/sysctl.d/99-custom.conf';
const OTHER = 'etc/sysctl.d/95-other.conf';
const line = (low: number, high: number) => `net.ipv4.ip_local_port_range = ${low} ${high}\n`;

let t: TempRoot;
afterEach(() => t?.cleanup());
const env = () => ({ EPHEMERAL_PORTS_SYSCTL_ROOT: t.root });

describe('doctor remedies persist to the file the tool writes', () => {
  it('core names the same file as the Linux package, and a file that wins when given one', () => {
    expect(LINUX_PERSIST_FILE).toBe(`${SYSCTL_D_DIR}/${SYSCTL_D_FILE}`);
    const [, persist] = widenCommands('linux', { low: 20000, high: 65535 });
    expect(persist).toContain('ephemeral-ports set 20000-65535 --persist');
    expect(persist).toContain(LINUX_PERSIST_FILE);
    expect(persist).not.toMatch(/60-ephemeral/);
    expect(widenCommands('linux', { low: 20000, high: 65535 }, '/etc/sysctl.d/zz-ephemeral-ports.conf')[1]).toContain('--file /etc/sysctl.d/zz-ephemeral-ports.conf');
  });
});

describe.runIf(process.platform === 'linux')('persist status (built CLI, Linux boot order in a temporary root)', () => {
  beforeAll(assertBuilt);

  it('names the overriding file by path and line, exit 10, and --json carries winners, overrides and fixes', async () => {
    t = tempRoot({ [OURS]: line(40000, 50001), [CUSTOM]: '# site tuning\n\n' + line(1024, 65000) });
    const text = await runCli(['persist', 'status'], env());
    expect(text.code, text.stderr).toBe(10);
    expect(text.stdout).toMatch(/next boot applies:\s+1024-65000/);
    expect(text.stdout).toContain(`${t.path(CUSTOM)} line 3`);
    expect(text.stdout).toMatch(/our file wins:\s+no/);
    expect(text.stderr).toContain(`warning [PERSIST_OVERRIDDEN]: our file is ${t.path(OURS)}, but ${t.path(CUSTOM)} line 3`);

    const json = await runCli(['persist', 'status', '--json'], env());
    expect(json.code).toBe(10);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      platform: 'linux',
      target: t.path(OURS),
      configured: { low: 40000, high: 50001 },
      nextBoot: { low: 1024, high: 65000 },
      wins: false,
      effective: { targetRead: true, winners: [{ file: t.path(CUSTOM), line: 3 }], overrides: [{ file: t.path(CUSTOM), line: 3, value: '1024 65000' }] },
    });
    expect(doc.effective.order).toEqual([t.path(OURS), t.path(CUSTOM)]);
    expect(doc.findings.map((f: { code: string }) => f.code)).toEqual(['PERSIST_OVERRIDDEN']);
  });

  it('our file alone: wins, exit 0, the line that sets it', async () => {
    t = tempRoot({ [OURS]: line(40000, 50001), 'usr/lib/sysctl.d/50-default.conf': line(20000, 30001) });
    const r = await runCli(['persist', 'status'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/our file wins:\s+yes/);
    expect(r.stdout).toContain(`${t.path(OURS)} line 1`);
  });

  it('the summary (no command) shows the next boot and warns when another file wins', async () => {
    t = tempRoot({ [OURS]: line(40000, 50001), [CUSTOM]: line(1024, 65000) });
    const text = await runCli([], env());
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/next boot:\s+1024-65000 .* is overridden/);
    expect(text.stdout).toContain(`warning: our file is ${t.path(OURS)}, but ${t.path(CUSTOM)} line 1`);
    const doc = JSON.parse((await runCli(['--json'], env())).stdout);
    expect(doc.persisted).toMatchObject({ wins: false, nextBoot: { low: 1024, high: 65000 } });
  });

  it('a later file setting the same value sets it at boot: named as the winner, ours does not win (PERSIST_SHADOWED note, exit 0)', async () => {
    for (const value of ['40000 50001', '40000   50001']) {
      t?.cleanup();
      t = tempRoot({ [OURS]: '# a\n# b\n' + line(40000, 50001), [OTHER]: `net.ipv4.ip_local_port_range = ${value}\n` });
      const text = await runCli(['persist', 'status'], env());
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(new RegExp(`set by:\\s+${t.path(OTHER)} line 1`));
      expect(text.stdout).not.toContain(`${t.path(OURS)} line 3`);
      expect(text.stdout).toMatch(/our file wins:\s+no: the same range, set by a later line/);
      expect(text.stdout).toContain(`note [PERSIST_SHADOWED]: ${t.path(OTHER)} line 1`);
      expect(text.stdout).toContain('where a change applies at boot:');
      expect(text.stderr).toBe('');
      const doc = JSON.parse((await runCli(['persist', 'status', '--json'], env())).stdout);
      expect(doc).toMatchObject({ wins: false, nextBoot: { low: 40000, high: 50001 }, effective: { winners: [{ file: t.path(OTHER), line: 1, value }], overrides: [] } });
      expect(doc.findings.map((f: { code: string; severity: string }) => `${f.code}:${f.severity}`)).toEqual(['PERSIST_SHADOWED:info']);
    }
  });

  it('persist with an unknown action is a usage error', async () => {
    t = tempRoot({});
    expect((await runCli(['persist', 'state'], env())).code).toBe(2);
  });
});

describe.runIf(canUseNetns)(`set --persist and doctor warn when a later file wins ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(assertBuilt);
  afterEach(async () => ns?.close());
  const cli = (args: string[]) => ns.exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env() } });

  it('set --persist says the next boot applies the later file, not what it wrote; the fix it offers wins', async () => {
    ns = await createNetns();
    t = tempRoot({ [CUSTOM]: line(1024, 65000) });
    const r = await cli(['set', '40001-50000', '--persist']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(t.path(OURS), 'utf8')).toContain(line(40001, 50000));
    expect(r.stdout).toContain('next boot applies: 1024-65000 (63977 ports), not 40001-50000');
    expect(r.stdout).not.toMatch(/next boot applies: 40001-50000/);
    const warning = /warning \[PERSIST_OVERRIDDEN\]: (.*)/.exec(r.stderr)?.[1];
    expect(warning).toContain(`${t.path(CUSTOM)} line 1`);

    const fix = /Fix: (ephemeral-ports .*?)\s+#/.exec(warning!)![1]!.split(' ').slice(1);
    const fixed = await cli([...fix, '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    const doc = JSON.parse(fixed.stdout);
    expect(doc.persisted.range).toEqual({ low: 40001, high: 50000 });
    expect(doc.warnings.filter((w: { code: string }) => w.code.startsWith('PERSIST_'))).toEqual([]);
    expect((await runCli(['persist', 'status'], env())).code).toBe(0);
  });

  it('set --persist --dry-run warns too (predicted with the file as it would be)', async () => {
    ns = await createNetns();
    t = tempRoot({ [CUSTOM]: line(1024, 65000) });
    const r = await cli(['set', '40001-50000', '--persist', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.persisted).toMatchObject({ written: false, range: { low: 1024, high: 65000 } });
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('PERSIST_OVERRIDDEN');
  });

  it('set --persist --file <dir>/x.txt: not read for its missing .conf suffix, and the boot keeps the kernel default', async () => {
    ns = await createNetns();
    t = tempRoot({ 'etc/sysctl.d/.keep': '' });
    const x = t.path('etc/sysctl.d/x.txt');
    const r = await cli(['set', '40000-50001', '--persist', '--file', x]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`next boot applies: the kernel default, not 40000-50001 (10002 ports): the boot does not read ${x} (see the warning)`);
    expect(r.stdout).not.toContain('another file wins');
    expect(r.stderr).toContain(
      `warning [PERSIST_NOT_READ_AT_BOOT]: the boot does not read ${x}: systemd-sysctl reads only *.conf files (sysctl.d(5)); ` +
        'the next boot applies the kernel default (nothing sets net.ipv4.ip_local_port_range), not 40000-50001.',
    );
  });

  it('set --persist --file relative.conf: resolved against the cwd, reported absolute; another file with the same value is named, no "X, not X"', async () => {
    ns = await createNetns();
    t = tempRoot({ [CUSTOM]: line(40000, 50001) });
    const r = await ns.exec('/usr/bin/env', ['-C', t.root, process.execPath, BIN, 'set', '40000-50001', '--persist', '--file', 'relative.conf'], {
      env: { PATH: process.env.PATH, ...env() },
    });
    expect(r.code, r.stderr).toBe(0);
    const abs = t.path('relative.conf');
    expect(r.stdout).toContain(`persistent configuration: wrote ${abs}\n`);
    expect(r.stdout).toContain(`next boot applies: 40000-50001 (10002 ports) (from ${t.path(CUSTOM)} line 1, not from ${abs})`);
    expect(r.stdout).not.toMatch(/40000-50001 \(10002 ports\), not 40000-50001/);
    expect(readFileSync(abs, 'utf8')).toContain(`sysctl -p ${abs}\n`);
    expect(r.stderr).toContain(`warning [PERSIST_NOT_READ_AT_BOOT]: the boot does not read ${abs}: systemd-sysctl reads only`);
    expect(r.stderr).not.toMatch(/40000-50001, not 40000-50001/);
  });

  it('EPHEMERAL_PORTS_SYSCTL_DIR outside the boot order gets PERSIST_NOT_READ_AT_BOOT, as --file does (dry run)', async () => {
    ns = await createNetns();
    t = tempRoot({ 'x/.keep': '' });
    const r = await ns.exec(process.execPath, [BIN, 'set', '49152-65535', '--dry-run', '--persist', '--json'], {
      env: { PATH: process.env.PATH, ...env(), EPHEMERAL_PORTS_SYSCTL_DIR: t.path('x') },
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.persisted).toMatchObject({ target: t.path('x/90-ephemeral-ports.conf'), range: null, effective: { targetRead: false } });
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('PERSIST_NOT_READ_AT_BOOT');
  });

  it('doctor reports PERSIST_OVERRIDDEN (exit 10) with the fixes as remedies', async () => {
    ns = await createNetns();
    t = tempRoot({ [OURS]: line(40000, 50001), 'etc/sysctl.conf': line(15000, 61000), 'etc/sysctl.d/99-sysctl.conf': { link: '../sysctl.conf' } });
    const r = await cli(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(10);
    const doc = JSON.parse(r.stdout);
    const finding = doc.findings.find((f: { rule: string }) => f.rule === 'PERSIST_OVERRIDDEN');
    expect(finding.reason).toContain(`${t.path('etc/sysctl.conf')} line 1 (read as ${t.path('etc/sysctl.d/99-sysctl.conf')})`);
    expect(finding.remedies[0]).toContain(`--persist --file ${t.path('etc/sysctl.conf')}`);
  });
});

describe.runIf(process.platform === 'linux')("the library's doctor() (what the CLI calls)", () => {
  it('has the PERSIST_OVERRIDDEN finding and a warn verdict at least; with a netns it leaves the host boot files out', async () => {
    t = tempRoot({ [OURS]: line(40000, 50001), [CUSTOM]: line(1024, 65000) });
    const saved = process.env.EPHEMERAL_PORTS_SYSCTL_ROOT;
    process.env.EPHEMERAL_PORTS_SYSCTL_ROOT = t.root;
    // The sources' backend (the facade would load the built package, whose core is another copy under vitest).
    const { useBackend } = await import('ephemeral-ports/testing');
    useBackend((await import('@ephemeral-ports/linux')).createBackend());
    try {
      const { doctor } = await import('ephemeral-ports');
      const result = await doctor();
      const finding = result.findings.find((f) => f.rule === 'PERSIST_OVERRIDDEN');
      expect(finding?.reason).toContain(`${t.path(CUSTOM)} line 1`);
      expect(result.verdict).not.toBe('ok');
      const inNamespace = await doctor({ netns: '/proc/self/ns/net' });
      expect(inNamespace.findings.map((f) => f.rule)).not.toContain('PERSIST_OVERRIDDEN');
    } finally {
      useBackend(undefined);
      if (saved === undefined) delete process.env.EPHEMERAL_PORTS_SYSCTL_ROOT;
      else process.env.EPHEMERAL_PORTS_SYSCTL_ROOT = saved;
    }
  });
});
