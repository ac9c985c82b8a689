/**
 * FreeBSD / macOS backends, EMULATED (no BSD machine here): the native/bsd addon linked against the
 * sysctlbyname() double, against the sysctl(8) fallback driven by the fake sysctl. The numbers measure our code
 * path (Node-API crossing, validation, write order, read-back), not a BSD kernel; the ratio shows what the
 * addon saves over spawning a process per read.
 */
import { createFreeBSDBackend } from '@ephemeral-ports/bsd';
import { loadEmulatedAddon } from '../../test/bsd/emulated-addon.js';
import { createFakeSysctl } from '../../test/bsd/fake-sysctl.js';
import { measure } from '../measure.js';
import { progress, quick } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';

const us = (ns: number) => ns / 1000;
const A = { low: 40000, high: 50001 };
const B = { low: 40002, high: 50003 };

async function run(): Promise<BenchRow[]> {
  const addon = loadEmulatedAddon();
  addon.double.reset('freebsd');
  const native = createFreeBSDBackend({ addon });
  const fake = createFakeSysctl('freebsd');
  try {
    const fallback = createFreeBSDBackend({ addon: null, sysctlPath: fake.path });
    const read = us((await measure(() => native.getRangeSync!(), { batch: 2000, iterations: quick ? 15 : 40, warmup: 5 })).medianNs);
    progress(`bsd-emulated: getRangeSync via addon ${read.toFixed(2)} µs`);
    const spawnRead = us((await measure(() => fallback.getRange(), { batch: 1, iterations: quick ? 5 : 15, warmup: 2 })).medianNs);
    progress(`bsd-emulated: getRange via sysctl(8) ${spawnRead.toFixed(0)} µs`);
    let flip = false;
    const alternate = () => native.setRange((flip = !flip) ? A : B);
    const set = us((await measure(alternate, { batch: 200, iterations: quick ? 10 : 30, warmup: 3 })).medianNs);
    return [
      {
        name: 'freebsd getRangeSync() via addon, 9 OIDs (emulated kernel)',
        value: read,
        unit: 'µs/call',
        anchor: 'getRange() via sysctl(8) fallback (fake sysctl, one spawn)',
        anchorValue: spawnRead,
        ratio: spawnRead / read,
        goal: '≥ 100× faster than spawning',
        pass: spawnRead / read >= 100,
      },
      {
        name: 'freebsd setRange() via addon: read, 2 ordered writes, 3 read-backs (emulated kernel)',
        value: set,
        unit: 'µs/call',
        anchor: 'getRangeSync() via addon',
        anchorValue: read,
        ratio: set / read,
        goal: '≤ 10× one full read',
        pass: set / read <= 10,
      },
    ];
  } finally {
    fake.remove();
  }
}

const suite: BenchSuite = { name: 'bsd (emulated)', run };
export default suite;
