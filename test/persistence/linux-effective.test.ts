/**
 * Which line wins at boot on Linux, over real directory trees laid out in a temporary root per case. The rules
 * (sysctl.d(5), systemd src/sysctl/sysctl.c and src/basic/conf-files.c) are stated in
 * packages/linux/src/boot-order.ts and effective-persist.ts; test/persistence/systemd-sysctl.test.ts checks the same
 * predictions against the real systemd-sysctl.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { predictSysctlBoot } from '../../packages/linux/src/effective-persist.js';
import { renderSysctlConf } from '../../packages/linux/src/persist.js';
import { type TempRoot, type Tree, tempRoot, writeTree } from './tree.js';

const OURS = 'etc/sysctl.d/90-ephemeral-ports.conf';
const line = (low: number, high: number, key = 'net.ipv4.ip_local_port_range') => `${key} = ${low} ${high}\n`;
const mine = { low: 40000, high: 50001 };

let t: TempRoot;
afterEach(() => t?.cleanup());

function predict(tree: Tree, ours = mine) {
  t = tempRoot({ [OURS]: line(ours.low, ours.high), ...tree });
  return predictSysctlBoot(t.path(OURS), ours, { root: t.root });
}

/** Applies the first fix (`ephemeral-ports set L-H --persist --file F`) the way set --persist writes, then predicts again. */
function applyFix(fix: string) {
  const m = /^ephemeral-ports set (\d+)-(\d+) --persist --file (\S+)/.exec(fix);
  expect(m, fix).not.toBeNull();
  const [low, high, file] = [Number(m![1]), Number(m![2]), m![3]!];
  let before: string | null = null;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = null;
  }
  writeTree('/', { [file]: renderSysctlConf(before, { low, high }, file) });
  return predictSysctlBoot(file, { low, high }, { root: t.root });
}

describe('Linux boot order: which file and line win (temporary trees)', () => {
  it('our file alone wins, line 1', () => {
    const p = predict({});
    expect(p).toMatchObject({ range: mine, targetRead: true, overrides: [], fixes: [] });
    expect(p.winners).toEqual([{ file: t.path(OURS), line: 1, key: 'net.ipv4.ip_local_port_range', value: '40000 50001' }]);
  });

  it('a later name in /etc/sysctl.d overrides ours: reported by path and line, and both fixes win', () => {
    const p = predict({ 'etc/sysctl.d/99-custom.conf': '# site\n\n' + line(1024, 65000) });
    expect(p.range).toEqual({ low: 1024, high: 65000 });
    expect(p.overrides).toEqual([{ file: t.path('etc/sysctl.d/99-custom.conf'), line: 3, key: 'net.ipv4.ip_local_port_range', value: '1024 65000' }]);
    expect(p.fixes).toHaveLength(2);
    expect(p.fixes[0]).toContain(`--file ${t.path('etc/sysctl.d/99-custom.conf')}`);
    expect(applyFix(p.fixes[0]!).range).toEqual(mine);
  });

  it('the "sorts after" fix also wins', () => {
    const p = predict({ 'etc/sysctl.d/99-custom.conf': line(1024, 65000) });
    expect(p.fixes[1]).toContain(t.path('etc/sysctl.d/zz-ephemeral-ports.conf'));
    expect(applyFix(p.fixes[1]!).range).toEqual(mine);
  });

  it('the order is by file name across directories: /usr/lib/sysctl.d/95-vendor.conf beats /etc/sysctl.d/90-…', () => {
    const p = predict({ 'usr/lib/sysctl.d/95-vendor.conf': line(20000, 30000) });
    expect(p.range).toEqual({ low: 20000, high: 30000 });
    expect(p.winners[0]!.file).toBe(t.path('usr/lib/sysctl.d/95-vendor.conf'));
    // A vendor file is not edited: the only fix is a name that sorts later.
    expect(p.fixes).toHaveLength(1);
    expect(applyFix(p.fixes[0]!).range).toEqual(mine);
  });

  it('an earlier name never overrides ours: /usr/lib/sysctl.d/50-default.conf', () => {
    const p = predict({ 'usr/lib/sysctl.d/50-default.conf': line(20000, 30000) });
    expect(p.range).toEqual(mine);
    expect(p.overrides).toEqual([]);
  });

  it('/etc masks the same name in /usr/lib, /run and /usr/local/lib', () => {
    const p = predict({
      'etc/sysctl.d/95-vendor.conf': '# emptied by the administrator\n',
      'usr/lib/sysctl.d/95-vendor.conf': line(20000, 30000),
      'run/sysctl.d/95-vendor.conf': line(20002, 30003),
      'usr/local/lib/sysctl.d/95-vendor.conf': line(20004, 30005),
    });
    expect(p.range).toEqual(mine);
    expect(p.order).toContain(t.path('etc/sysctl.d/95-vendor.conf'));
    expect(p.order).not.toContain(t.path('usr/lib/sysctl.d/95-vendor.conf'));
  });

  it('/run masks /usr/lib (same name), and the /run file then wins by name', () => {
    const p = predict({ 'usr/lib/sysctl.d/95-vendor.conf': line(20000, 30000), 'run/sysctl.d/95-vendor.conf': line(20002, 30003) });
    expect(p.range).toEqual({ low: 20002, high: 30003 });
    expect(p.winners[0]!.file).toBe(t.path('run/sysctl.d/95-vendor.conf'));
  });

  it('a link to /dev/null in /etc masks a vendor file that would override ours', () => {
    const p = predict({ 'usr/lib/sysctl.d/95-vendor.conf': line(20000, 30000), 'etc/sysctl.d/95-vendor.conf': { link: '/dev/null' } });
    expect(p.range).toEqual(mine);
    expect(p.order.some((f) => f.includes('95-vendor.conf'))).toBe(false);
  });

  it('/etc/sysctl.conf through the 99-sysctl.conf link (Debian) overrides ours, named by its own path and the link', () => {
    const p = predict({ 'etc/sysctl.conf': '#\n#\n' + line(15000, 61000), 'etc/sysctl.d/99-sysctl.conf': { link: '../sysctl.conf' } });
    expect(p.range).toEqual({ low: 15000, high: 61000 });
    expect(p.overrides).toEqual([
      { file: t.path('etc/sysctl.conf'), line: 3, key: 'net.ipv4.ip_local_port_range', value: '15000 61000', via: t.path('etc/sysctl.d/99-sysctl.conf') },
    ]);
    expect(p.fixes[0]).toContain(`--file ${t.path('etc/sysctl.conf')}`);
    expect(applyFix(p.fixes[0]!).range).toEqual(mine);
  });

  it('without the link systemd-sysctl ignores /etc/sysctl.conf; procps sysctl --system reads it last (a note)', () => {
    const p = predict({ 'etc/sysctl.conf': line(15000, 61000) });
    expect(p.range).toEqual(mine);
    expect(p.notes.join('\n')).toMatch(/sysctl --system.*sysctl\.conf last.*line 1/);
  });

  it('the slashed spelling is the same key; a `-key` line later unsets it (kernel default stays)', () => {
    expect(predict({ 'etc/sysctl.d/95-a.conf': 'net/ipv4/ip_local_port_range=20000 30000\n' }).range).toEqual({ low: 20000, high: 30000 });
    t.cleanup();
    const p = predict({ 'etc/sysctl.d/95-a.conf': '-net.ipv4.ip_local_port_range\n' });
    expect(p.range).toBeNull();
    expect(p.overrides.map((l) => l.value)).toEqual([null]);
    expect(p.notes.join()).toContain('unsets');
  });

  it('a glob never overrides an explicit line; alone, it sets the key', () => {
    expect(predict({ 'etc/sysctl.d/99-glob.conf': 'net.ipv4.ip_local_port_*=20000 30000\n' }).range).toEqual(mine);
    t.cleanup();
    t = tempRoot({ 'etc/sysctl.d/99-glob.conf': 'net.ipv4.ip_local_port_*=20000 30000\n' });
    expect(predictSysctlBoot(t.path(OURS), null, { root: t.root }).range).toEqual({ low: 20000, high: 30000 });
  });

  it('a later value the kernel refuses leaves the default, and is still reported as the override', () => {
    const p = predict({ 'etc/sysctl.d/99-bad.conf': line(50000, 40000) });
    expect(p.range).toBeNull();
    expect(p.overrides[0]).toMatchObject({ line: 1, value: '50000 40000' });
  });

  it('a file outside the boot order is not read at boot, and the fix names one that is', () => {
    t = tempRoot({});
    const p = predictSysctlBoot(t.path('srv/ports.conf'), mine, { root: t.root });
    expect(p.targetRead).toBe(false);
    expect(p.notes[0]).toContain('does not read');
    expect(p.fixes[0]).toContain(t.path('etc/sysctl.d/'));
  });

  it('nothing persisted yet: our absent file in /etc/sysctl.d is not called "unread"; the kernel default stays', () => {
    t = tempRoot({ 'usr/lib/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 4194304\n' });
    const p = predictSysctlBoot(t.path(OURS), null, { root: t.root });
    expect(p.range).toBeNull();
    expect(p.notes.join('\n')).not.toContain('does not read');
    expect(p.notes.join('\n')).toContain('kernel default stays');
    // The same absent file under a directory the boot never reads is still reported.
    expect(predictSysctlBoot(t.path('srv/ports.conf'), null, { root: t.root }).notes[0]).toContain('does not read');
  });

  it('a FIFO in a sysctl directory is listed but never opened (reading it would block)', () => {
    t = tempRoot({ [OURS]: line(40000, 50001) });
    execFileSync('/usr/bin/mkfifo', [t.path('etc/sysctl.d/95-fifo.conf')]);
    expect(predictSysctlBoot(t.path(OURS), mine, { root: t.root }).range).toEqual(mine);
  });

  it('a later file setting the same value is the winner (the last assignment), not ours; it overrides nothing', () => {
    for (const value of ['40000 50001', '40000   50001']) {
      t?.cleanup();
      t = tempRoot({ [OURS]: '#\n#\n' + line(40000, 50001), 'etc/sysctl.d/95-other.conf': `net.ipv4.ip_local_port_range = ${value}\n` });
      const p = predictSysctlBoot(t.path(OURS), mine, { root: t.root });
      expect(p.range, value).toEqual(mine);
      expect(p.winners, value).toEqual([{ file: t.path('etc/sysctl.d/95-other.conf'), line: 1, key: 'net.ipv4.ip_local_port_range', value }]);
      expect(p.overrides, value).toEqual([]);
      // Where a change must go to apply at boot: that line, or a name after it.
      expect(p.fixes[0], value).toContain(`--file ${t.path('etc/sysctl.d/95-other.conf')}`);
    }
  });

  it('a name without .conf in /etc/sysctl.d is not read: the note names the suffix rule, and nothing sets the key', () => {
    t = tempRoot({ 'etc/sysctl.d/x.txt': line(40000, 50001) });
    const p = predictSysctlBoot(t.path('etc/sysctl.d/x.txt'), mine, { root: t.root });
    expect(p).toMatchObject({ targetRead: false, range: null, defaultWhy: 'nothing sets net.ipv4.ip_local_port_range', winners: [] });
    expect(p.notes[0]).toBe(`the boot does not read ${t.path('etc/sysctl.d/x.txt')}: systemd-sysctl reads only *.conf files (sysctl.d(5))`);
    expect(p.notes[1]).toBe('nothing sets net.ipv4.ip_local_port_range: the kernel default stays');
    // Even before it exists (a dry run), and a hidden .conf is named as such.
    expect(predictSysctlBoot(t.path('etc/sysctl.d/y.txt'), null, { root: t.root }).notes[0]).toContain('reads only *.conf files');
    expect(predictSysctlBoot(t.path('etc/sysctl.d/.h.conf'), mine, { root: t.root }).notes[0]).toContain('skips hidden files');
  });

  it('a file outside the boot order is not "hidden" by a same-named file the boot reads', () => {
    t = tempRoot({ [OURS]: line(40000, 50001) });
    const p = predictSysctlBoot(t.path('srv/90-ephemeral-ports.conf'), mine, { root: t.root });
    expect(p.notes[0]).toContain('systemd-sysctl reads only');
    expect(p.notes[0]).not.toContain('has its name');
  });

  it('a dry run predicts with the overlay (the file as it would be)', () => {
    t = tempRoot({ 'usr/lib/sysctl.d/50-default.conf': line(20000, 30000) });
    const target = t.path(OURS);
    const p = predictSysctlBoot(target, mine, { root: t.root, overlay: new Map([[target, line(40000, 50001)]]) });
    expect(p.range).toEqual(mine);
    expect(p.winners[0]!.file).toBe(target);
  });
});
