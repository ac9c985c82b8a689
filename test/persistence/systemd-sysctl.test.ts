/**
 * The Linux prediction (packages/linux/src/effective-persist.ts) against what the REAL systemd-sysctl applies: each
 * layout is written to a temporary root, whose sysctl directories are bind-mounted over the real ones inside
 * `unshare -n -m` (fixtures/systemd-sysctl-oracle.mjs); systemd-sysctl then runs and the namespace's
 * ip_local_port_range is compared with the prediction. Fixed layouts for each rule, then random ones (fast-check).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictSysctlBoot } from '../../packages/linux/src/effective-persist.js';
import { NETNS_REQUIREMENT, UNSHARE, canUseNetns } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';
import { type Tree, tempRoot } from './tree.js';

const SYSTEMD_SYSCTL = ['/lib/systemd/systemd-sysctl', '/usr/lib/systemd/systemd-sysctl'].find((p) => existsSync(p));
const tool = optionalTool('systemd-sysctl', { found: SYSTEMD_SYSCTL, install: 'apt-get install -y systemd' });
const ORACLE = fileURLToPath(new URL('./fixtures/systemd-sysctl-oracle.mjs', import.meta.url));
const OURS = 'etc/sysctl.d/90-ephemeral-ports.conf';
const KERNEL_DEFAULT = { low: 32768, high: 60999 };
const mine = { low: 40000, high: 50001 };

function applyReal(root: string): Promise<{ low: number; high: number }> {
  return new Promise((resolve, reject) => {
    execFile(UNSHARE, ['-n', '-m', '--', process.execPath, ORACLE, tool.path, root], { timeout: 30_000, env: { LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!).range);
    });
  });
}

async function check(tree: Tree, ours: { low: number; high: number } | null = mine) {
  const t = tempRoot(tree);
  try {
    const predicted = predictSysctlBoot(t.path(OURS), ours, { root: t.root });
    const real = await applyReal(t.root);
    expect(real, `layout ${JSON.stringify(tree)}; predicted winners ${JSON.stringify(predicted.winners)}`).toEqual(predicted.range ?? KERNEL_DEFAULT);
    return predicted;
  } finally {
    t.cleanup();
  }
}

const line = (low: number, high: number, key = 'net.ipv4.ip_local_port_range') => `${key} = ${low} ${high}\n`;

describe.runIf(canUseNetns && tool.run)(`Linux prediction = the real systemd-sysctl ${tool.title} ${NETNS_REQUIREMENT}`, () => {
  it('our file alone; a later name overrides; an earlier one does not', async () => {
    expect((await check({ [OURS]: line(40000, 50001) })).range).toEqual(mine);
    expect((await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/99-custom.conf': line(20000, 30001) })).range).toEqual({ low: 20000, high: 30001 });
    expect((await check({ [OURS]: line(40000, 50001), 'usr/lib/sysctl.d/50-default.conf': line(20000, 30001) })).range).toEqual(mine);
  });

  it('/etc masks /usr/lib and /run; /dev/null masks; /run masks /usr/lib', async () => {
    await check({ [OURS]: line(40000, 50001), 'usr/lib/sysctl.d/95-v.conf': line(20000, 30001), 'etc/sysctl.d/95-v.conf': '#\n' });
    await check({ [OURS]: line(40000, 50001), 'usr/lib/sysctl.d/95-v.conf': line(20000, 30001), 'etc/sysctl.d/95-v.conf': { link: '/dev/null' } });
    await check({ [OURS]: line(40000, 50001), 'usr/lib/sysctl.d/95-v.conf': line(20000, 30001), 'run/sysctl.d/95-v.conf': line(20002, 30003) });
    await check({ [OURS]: line(40000, 50001), 'usr/local/lib/sysctl.d/95-v.conf': line(20000, 30001) });
  });

  it('a dangling link still claims its name: the same name in a later directory is not read', async () => {
    const p = await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/95-v.conf': { link: '/run/missing.conf' }, 'usr/lib/sysctl.d/95-v.conf': line(20000, 30001) });
    expect(p.range).toEqual(mine);
  });

  it('/etc/sysctl.conf counts only through the 99-sysctl.conf link', async () => {
    const linked = await check({ [OURS]: line(40000, 50001), 'etc/sysctl.conf': line(15000, 61000), 'etc/sysctl.d/99-sysctl.conf': { link: '../sysctl.conf' } });
    expect(linked.range).toEqual({ low: 15000, high: 61000 });
    expect((await check({ [OURS]: line(40000, 50001), 'etc/sysctl.conf': line(15000, 61000) })).range).toEqual(mine);
  });

  it('only *.conf names are read: x.txt and a hidden .x.conf set nothing (the kernel default stays)', async () => {
    expect((await check({ 'etc/sysctl.d/x.txt': line(20000, 30001), 'etc/sysctl.d/.x.conf': line(20002, 30003) }, null)).range).toBeNull();
  });

  it('a later file with the same value is named the winner; the value applied is the same', async () => {
    const p = await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/95-other.conf': 'net.ipv4.ip_local_port_range = 40000   50001\n' });
    expect(p.winners[0]!.file).toMatch(/95-other\.conf$/);
  });

  it('slashed keys, -key exclusions, globs, refused values', async () => {
    await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/95-a.conf': 'net/ipv4/ip_local_port_range=20000 30001\r\n' });
    await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/95-a.conf': '-net.ipv4.ip_local_port_range\n' });
    await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/99-g.conf': 'net.ipv4.ip_local_port_*=20000 30001\n' });
    await check({ 'etc/sysctl.d/99-g.conf': 'net.ipv4.ip_local_port_*=20000 30001\n' }, null);
    await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/99-bad.conf': line(50000, 40000) });
    await check({ [OURS]: line(40000, 50001), 'etc/sysctl.d/99-low.conf': line(1000, 2000) });
  });

  it('random layouts: the prediction is what systemd-sysctl applies', async () => {
    const dirs = ['etc/sysctl.d', 'run/sysctl.d', 'usr/local/lib/sysctl.d', 'usr/lib/sysctl.d'];
    const names = ['10-a.conf', '50-b.conf', '90-ephemeral-ports.conf', '95-c.conf', '99-sysctl.conf', 'zz.conf'];
    const value = fc.constantFrom('40000 50001', '20000 30001', '1024 65535', '50000 40000', '1000 2000', '30000\t40001');
    const key = fc.constantFrom('net.ipv4.ip_local_port_range', 'net/ipv4/ip_local_port_range', '-net.ipv4.ip_local_port_range', ' net.ipv4.ip_local_port_range ');
    const textLine = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
      key.map((k) => (k.trim().startsWith('-') ? k.trim() : `-${k.trim()}`)),
      fc.constantFrom('# comment', '; comment', '', 'not an assignment', 'net.ipv4.ip_local_port_*=20002 30003'),
    );
    const content = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.array(textLine, { maxLength: 4 }), fc.constantFrom('\n', '\r\n')).map(([ls, eol]) => ls.join(eol) + eol) },
      { weight: 1, arbitrary: fc.constant({ link: '/dev/null' } as const) },
      { weight: 1, arbitrary: fc.constant('') },
    );
    const layout = fc.record({
      files: fc.array(fc.tuple(fc.constantFrom(...dirs), fc.constantFrom(...names), content), { maxLength: 6 }),
      sysctlConf: fc.option(fc.array(textLine, { maxLength: 3 }).map((ls) => ls.join('\n') + '\n')),
      link: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(layout, async ({ files, sysctlConf, link }) => {
        const tree: Tree = {};
        for (const [dir, name, text] of files) tree[`${dir}/${name}`] = text;
        // The oracle needs an /etc/sysctl.conf to bind over the host's: an absent one is laid out empty, which the
        // prediction then sees too (dangling links have their own case above).
        if (sysctlConf !== null || link) tree['etc/sysctl.conf'] = sysctlConf ?? '';
        if (link) tree['etc/sysctl.d/99-sysctl.conf'] = { link: '../sysctl.conf' };
        await check(tree, mine);
      }),
      { numRuns: 40 },
    );
  }, 240_000);
});
