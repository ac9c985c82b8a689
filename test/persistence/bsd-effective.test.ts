/**
 * Which line wins at the next FreeBSD or macOS boot (emulated: the order is the one the OS's boot scripts follow,
 * cited in packages/bsd/src/effective-persist.ts), over real files in a temporary root, through the backend's
 * getPersisted/persistRange with an in-memory sysctl port.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createBsdBackend } from '../../packages/bsd/src/bsd-backend.js';
import { configFiles } from '../../packages/bsd/src/io.js';
import { renderLaunchdPlist } from '@ephemeral-ports/bsd';
import type { BsdOs } from '@ephemeral-ports/bsd';
import { type TempRoot, tempRoot } from './tree.js';

const FIRST = 'net.inet.ip.portrange.first';
const LAST = 'net.inet.ip.portrange.last';
let t: TempRoot;
afterEach(() => t?.cleanup());

function backend(os: BsdOs) {
  const values = new Map<string, number>([[FIRST, 10000], [LAST, 65535]]);
  const port = {
    source: 'memory',
    read: async (names: readonly string[]) => names.map((n) => values.get(n) ?? 0),
    write: async (name: string, value: number) => void values.set(name, value),
  };
  const bootFiles = { sysctlConf: t.path('etc/sysctl.conf'), sysctlConfLocal: t.path('etc/sysctl.conf.local'), plist: t.path('Library/LaunchDaemons/org.ephemeral-ports.portrange.plist') };
  const target = os === 'freebsd' ? bootFiles.sysctlConf : bootFiles.plist;
  return { target, bootFiles, b: createBsdBackend({ os, port, files: configFiles, release: '14.1', implementation: 'memory', persistFile: target, bootFiles }) };
}

describe('FreeBSD: /etc/sysctl.conf, then /etc/sysctl.conf.local (emulated)', () => {
  it('our sysctl.conf alone wins', async () => {
    t = tempRoot({ 'etc/sysctl.conf': `kern.foo=1\n${FIRST}=20000\n${LAST}=30000\n` });
    const { b, target } = backend('freebsd');
    const r = await b.getPersisted();
    expect(r.effective).toMatchObject({ range: { low: 20000, high: 30000 }, targetRead: true, overrides: [], fixes: [] });
    expect(r.effective!.winners).toEqual([
      { file: target, line: 2, key: FIRST, value: '20000' },
      { file: target, line: 3, key: LAST, value: '30000' },
    ]);
  });

  it('sysctl.conf.local is read after: its `name: value` line overrides ours, by path and line; the fix wins', async () => {
    t = tempRoot({ 'etc/sysctl.conf': `${FIRST}=20000\n${LAST}=30000\n`, 'etc/sysctl.conf.local': `# local\n${LAST}: "40000"\n` });
    const { b, bootFiles } = backend('freebsd');
    const r = await b.getPersisted();
    expect(r.range).toEqual({ low: 20000, high: 30000 });
    expect(r.effective!.range).toEqual({ low: 20000, high: 40000 });
    expect(r.effective!.overrides).toEqual([{ file: bootFiles.sysctlConfLocal, line: 2, key: LAST, value: '40000' }]);
    expect(r.effective!.fixes).toEqual([`ephemeral-ports set 20000-30000 --persist --file ${bootFiles.sysctlConfLocal}`]);
    // The fix: set --persist --file sysctl.conf.local rewrites its lines in place.
    const fixed = await b.persistRange({ low: 20000, high: 30000 }, { file: bootFiles.sysctlConfLocal });
    expect(readFileSync(bootFiles.sysctlConfLocal, 'utf8')).toContain(`${LAST}=30000`);
    expect(fixed.effective!.range).toEqual({ low: 20000, high: 30000 });
    expect((await b.getPersisted()).effective!.overrides).toEqual([]);
  });

  it('a dry run predicts with the file as it would be', async () => {
    t = tempRoot({ 'etc/sysctl.conf.local': `${FIRST}=15000\n` });
    const { b, bootFiles } = backend('freebsd');
    const r = await b.persistRange({ low: 20000, high: 30000 }, { dryRun: true });
    expect(r.written).toBe(false);
    expect(r.effective!.range).toEqual({ low: 15000, high: 30000 });
    expect(r.effective!.overrides).toEqual([{ file: bootFiles.sysctlConfLocal, line: 1, key: FIRST, value: '15000' }]);
  });
});

describe('macOS: /etc/sysctl.conf, then the LaunchDaemon (emulated)', () => {
  it('the plist runs after /etc/sysctl.conf: ours wins over it', async () => {
    t = tempRoot({
      'etc/sysctl.conf': `${FIRST}=30000\n${LAST}=40000\n`,
      'Library/LaunchDaemons/org.ephemeral-ports.portrange.plist': renderLaunchdPlist([[FIRST, '50000'], [LAST, '60000']]),
    });
    const { b, target } = backend('darwin');
    const r = await b.getPersisted();
    expect(r.effective!.range).toEqual({ low: 50000, high: 60000 });
    expect(r.effective!.winners.map((w) => w.file)).toEqual([target, target]);
    expect(r.effective!.overrides).toEqual([]);
  });

  it('a range kept in /etc/sysctl.conf loses to the plist, named by path and line', async () => {
    t = tempRoot({
      'etc/sysctl.conf': `${FIRST}=30000\n${LAST}=40000\n`,
      'Library/LaunchDaemons/org.ephemeral-ports.portrange.plist': renderLaunchdPlist([[FIRST, '50000'], [LAST, '60000']]),
    });
    const { b, bootFiles } = backend('darwin');
    const r = await b.getPersisted({ file: bootFiles.sysctlConf });
    expect(r.range).toEqual({ low: 30000, high: 40000 });
    expect(r.effective!.range).toEqual({ low: 50000, high: 60000 });
    expect(r.effective!.overrides.map((o) => [o.file, o.line, o.value])).toEqual([
      [bootFiles.plist, 11, '50000'],
      [bootFiles.plist, 12, '60000'],
    ]);
  });
});
