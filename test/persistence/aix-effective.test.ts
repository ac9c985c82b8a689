/**
 * Which line wins at the next AIX boot (emulated: the `no` double writes nextboot as IBM documents `no -p`; the
 * order, nextboot by `tunrestore -R` then /etc/rc.tcpip, is cited in packages/aix/src/effective-persist.ts).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAixBackend } from '@ephemeral-ports/aix';
import { parseNextbootLines, parseRcNoLines, predictAixBoot } from '../../packages/aix/src/effective-persist.js';
import { type NoDouble, createNoDouble } from '../aix/double/no-double.js';
import { type TempRoot, tempRoot } from './tree.js';

let t: TempRoot;
let double: NoDouble;
afterEach(() => {
  t?.cleanup();
  double?.cleanup();
});

const RC = `#!/bin/ksh\n# tcp tuning\n/usr/sbin/no -o tcp_ephemeral_low=20000   # site\n# no -o tcp_ephemeral_high=1\nstart /usr/sbin/syslogd "$src_running"\n`;

describe('AIX boot files (emulated)', () => {
  it('nextboot stanzas and rc.tcpip "no -o" lines, with line numbers; comments skipped', () => {
    const names = ['tcp_ephemeral_low', 'tcp_ephemeral_high'];
    expect(parseNextbootLines('info:\n\tAIX_level = "7.3"\n\nno:\n\ttcp_ephemeral_low = "40000"\n\ttcp_ephemeral_high = "50001"\n', '/nb', names)).toEqual([
      { file: '/nb', line: 5, key: 'tcp_ephemeral_low', value: '40000' },
      { file: '/nb', line: 6, key: 'tcp_ephemeral_high', value: '50001' },
    ]);
    expect(parseRcNoLines(RC, '/rc', names)).toEqual([{ file: '/rc', line: 3, key: 'tcp_ephemeral_low', value: '20000' }]);
  });

  it('an rc.tcpip line overrides what no -p wrote to nextboot; the fix names the line', () => {
    const p = predictAixBoot({
      protocol: 'tcp',
      nextboot: { file: '/etc/tunables/nextboot', text: 'no:\n\ttcp_ephemeral_low = "40000"\n\ttcp_ephemeral_high = "50001"\n' },
      rcTcpip: { file: '/etc/rc.tcpip', text: RC },
      reported: { low: 40000, high: 50001 },
      ours: { low: 40000, high: 50001 },
    });
    expect(p.range).toEqual({ low: 20000, high: 50001 });
    expect(p.winners).toEqual([
      { file: '/etc/rc.tcpip', line: 3, key: 'tcp_ephemeral_low', value: '20000' },
      { file: '/etc/tunables/nextboot', line: 3, key: 'tcp_ephemeral_high', value: '50001' },
    ]);
    expect(p.overrides).toEqual([{ file: '/etc/rc.tcpip', line: 3, key: 'tcp_ephemeral_low', value: '20000' }]);
    expect(p.fixes[0]).toContain('delete line 3 of /etc/rc.tcpip');
  });

  it('through the backend: persist with the double, then getPersisted reads nextboot and rc.tcpip', async () => {
    double = createNoDouble();
    t = tempRoot({ 'etc/rc.tcpip': RC });
    const backend = createAixBackend({ noPath: double.path, nextbootPath: join(double.dir, 'nextboot'), rcTcpipPath: t.path('etc/rc.tcpip') });
    const persisted = await backend.persistRange({ low: 40000, high: 50001 });
    expect(persisted.effective!.overrides).toEqual([{ file: t.path('etc/rc.tcpip'), line: 3, key: 'tcp_ephemeral_low', value: '20000' }]);
    const r = await backend.getPersisted();
    expect(r.range).toEqual({ low: 40000, high: 50001 });
    expect(r.effective!.range).toEqual({ low: 20000, high: 50001 });
    expect(r.effective!.winners[1]).toMatchObject({ file: join(double.dir, 'nextboot'), key: 'tcp_ephemeral_high', value: '50001' });
    // UDP is not touched by the TCP line.
    expect((await backend.getPersisted({ protocol: 'udp' })).effective!.overrides).toEqual([]);
  });
});
