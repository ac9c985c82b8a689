/**
 * Linux: reading the ephemeral range through the addon (warm) against `fs.readFileSync` of the same file and
 * against spawning `sysctl -n`, plus what a set costs. Sets run only in private network namespaces: in the
 * caller's own namespace inside a child process started with `nsenter` (this module re-run with
 * EPHEMERAL_PORTS_BENCH_SET_CHILD=1), and through the netns option (setns thread) from here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinuxBackend, loadNativeBinding } from '@ephemeral-ports/linux';
import { NETNS_UNAVAILABLE, NSENTER, ROOT_DIR, createNetns } from '../../test/helpers/netns.js';
import { compileFloor } from '../native/compile.js';
import { measure } from '../measure.js';
import type { BenchRow, BenchSuite } from '../types.js';

const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const SYSCTL = '/usr/sbin/sysctl';
const CHILD_ENV = 'EPHEMERAL_PORTS_BENCH_SET_CHILD';
const us = (ns: number) => ns / 1000;

/** The machine's floor in plain C (bench/native/pread-floor.c): one pread of the same file, and a bare syscall. */
function cFloor(): { preadNs: number; syscallNs: number } | null {
  const floor = compileFloor('pread-floor', 'linux-read');
  if (!floor) return null;
  try {
    return JSON.parse(execFileSync(floor.exe, { encoding: 'utf8' })) as { preadNs: number; syscallNs: number };
  } finally {
    floor.dispose();
  }
}

const A = { low: 40000, high: 50001 };
const B = { low: 40002, high: 50003 };

/** Median µs of a setRange that alternates between two ranges, so every call really writes. */
async function setCost(set: (r: typeof A) => Promise<unknown>): Promise<number> {
  let flip = false;
  const m = await measure(() => set((flip = !flip) ? A : B), { warmup: 20, iterations: 300 });
  return us(m.medianNs);
}

async function childMain(): Promise<void> {
  const backend = createLinuxBackend({ implementation: 'native' });
  const js = createLinuxBackend({ implementation: 'js' });
  const out = { native: await setCost((r) => backend.setRange(r)), js: await setCost((r) => js.setRange(r)) };
  process.stdout.write(JSON.stringify(out));
}

async function run(): Promise<BenchRow[]> {
  if (process.platform !== 'linux') return [];
  const loaded = loadNativeBinding();
  if (!loaded.binding) throw new Error(`the Linux addon is not built: ${loaded.fallbackReason}`);
  const binding = loaded.binding;
  const backend = createLinuxBackend({ implementation: 'native' });
  const js = createLinuxBackend({ implementation: 'js' });

  const addon = us((await measure(() => binding.readPortRange(), { batch: 2000, iterations: 60, warmup: 10 })).medianNs);
  const viaBackend = us((await measure(() => backend.getRangeSync(), { batch: 2000, iterations: 60, warmup: 10 })).medianNs);
  const viaJs = us((await measure(() => js.getRangeSync(), { batch: 200, iterations: 40 })).medianNs);
  const readFile = us((await measure(() => readFileSync(RANGE_FILE, 'latin1'), { batch: 200, iterations: 40 })).medianNs);
  // The floor for anything that enters the kernel: process.ppid makes one getppid() syscall per access.
  const syscallFloor = us((await measure(() => process.ppid, { batch: 2000, iterations: 60, warmup: 10 })).medianNs);
  const floor = cFloor();
  const spawn = us(
    (await measure(() => execFileSync(SYSCTL, ['-n', 'net.ipv4.ip_local_port_range']), { warmup: 2, iterations: 20 }))
      .medianNs,
  );

  const rows: BenchRow[] = [
    {
      name: 'addon readPortRange() warm, median',
      value: addon,
      unit: 'µs/call',
      anchor: 'fs.readFileSync(ip_local_port_range)',
      anchorValue: readFile,
      ratio: addon / readFile,
      goal: '≤ 1.5 µs and ratio ≤ 0.3×',
      pass: addon <= 1.5 && addon / readFile <= 0.3,
    },
    {
      name: 'addon readPortRange() vs spawning sysctl (× faster)',
      value: addon,
      unit: 'µs/call',
      anchor: 'spawn sysctl -n net.ipv4.ip_local_port_range',
      anchorValue: spawn,
      ratio: spawn / addon,
      goal: '≥ 5000× faster',
      pass: spawn / addon >= 5000,
    },
    {
      name: 'addon readPortRange() vs one bare syscall',
      value: addon,
      unit: 'µs/call',
      anchor: 'process.ppid (one getppid syscall)',
      anchorValue: syscallFloor,
      ratio: addon / syscallFloor,
    },
    ...(floor
      ? [
          {
            name: 'C floor: pread(2) of the same file on a cached fd, no Node (bench/native/pread-floor.c)',
            value: us(floor.preadNs),
            unit: 'µs/call',
            anchor: 'addon readPortRange() warm',
            anchorValue: addon,
            ratio: addon / us(floor.preadNs),
          },
          { name: 'C floor: one bare syscall (getppid), no Node', value: us(floor.syscallNs), unit: 'µs/call' },
        ]
      : []),
    { name: 'backend.getRangeSync() warm (object result)', value: viaBackend, unit: 'µs/call', anchor: 'fs.readFileSync', anchorValue: readFile, ratio: viaBackend / readFile },
    { name: 'JS fallback getRangeSync()', value: viaJs, unit: 'µs/call', anchor: 'fs.readFileSync', anchorValue: readFile, ratio: viaJs / readFile },
  ];

  if (NETNS_UNAVAILABLE !== null) {
    console.error(`linux-read: set costs not measured (${NETNS_UNAVAILABLE})`);
    return rows;
  }
  const ns = await createNetns();
  try {
    const self = fileURLToPath(import.meta.url);
    const child = execFileSync(NSENTER, [`--net=${ns.path}`, '--', process.execPath, '--import', 'tsx', self], {
      cwd: ROOT_DIR,
      env: { ...process.env, [CHILD_ENV]: '1' },
      encoding: 'utf8',
    });
    const own = JSON.parse(child) as { native: number; js: number };
    const viaNetns = await setCost((r) => backend.setRange(r, { netns: ns.path }));
    const readNetns = us((await measure(() => binding.readPortRange(ns.path), { batch: 50, iterations: 40 })).medianNs);
    rows.push(
      { name: 'setRange, own netns (validate + read limit + write + read back)', value: own.native, unit: 'µs/call', anchor: 'JS fallback setRange', anchorValue: own.js, ratio: own.native / own.js },
      { name: 'setRange via netns option (setns threads)', value: viaNetns, unit: 'µs/call', anchor: 'setRange, own netns', anchorValue: own.native, ratio: viaNetns / own.native },
      { name: 'addon readPortRange(netns) (setns thread)', value: readNetns, unit: 'µs/call', anchor: 'addon readPortRange() own netns', anchorValue: addon, ratio: readNetns / addon },
    );
  } finally {
    await ns.close();
  }
  return rows;
}

if (process.env[CHILD_ENV] === '1') {
  childMain().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

const suite: BenchSuite = { name: 'linux-read', run };
export default suite;
