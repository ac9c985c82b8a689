/**
 * Port-selection simulators: selections per second of RFC 6056 algorithms 1–5 and the Linux/FreeBSD models, over
 * Linux's default range (32768-60999), empty and half full. Anchor: a bare `low + random() % N` pick with the
 * same PRNG — the least any selector must do — so the ratio says what the algorithm's bookkeeping costs.
 */
import {
  FreeBsdPortModel,
  LinuxPortModel,
  PortSet,
  Xoshiro128,
  createRfc6056Selector,
  portRange,
  type ConnectionKey,
  type PortSelector,
  type Rfc6056AlgorithmNumber,
} from '@ephemeral-ports/core';
import { measure } from '../measure.js';
import type { BenchRow, BenchSuite } from '../types.js';

const RANGE = portRange(32_768, 60_999);
const N = RANGE.high - RANGE.low + 1;
/** Goals: a simulator must run at least this fast to be usable in property tests and capacity what-ifs. */
const GOAL_SELECT = 1_000_000;
const GOAL_KERNEL = 250_000;

const keys: ConnectionKey[] = Array.from({ length: 256 }, (_, i) => ({
  localAddress: '10.0.0.1',
  remoteAddress: `192.0.2.${i}`,
  remotePort: 443,
}));

async function opsPerSec(op: (i: number) => unknown): Promise<number> {
  let i = 0;
  const m = await measure(() => op(i++), { warmup: 3, iterations: 15, sampleMs: 10 });
  return m.opsPerSec;
}

function row(name: string, value: number, anchorValue: number, goal: number): BenchRow {
  return {
    name,
    value: Math.round(value),
    unit: 'selections/s',
    anchor: 'bare random pick',
    anchorValue: Math.round(anchorValue),
    ratio: value / anchorValue,
    goal: `≥ ${goal.toLocaleString('en-US')}/s`,
    pass: value >= goal,
  };
}

const suite: BenchSuite = {
  name: 'simulators',
  async run() {
    const rng = new Xoshiro128(1);
    const anchor = await opsPerSec(() => RANGE.low + (rng.next() % N));
    const rows: BenchRow[] = [];

    const halfUsed = (p: number) => (p & 1) === 0; // every even port taken: half full, worst spread
    for (const n of [1, 2, 3, 4, 5] as Rfc6056AlgorithmNumber[]) {
      const empty: PortSelector = createRfc6056Selector(n, { range: RANGE, seed: 1 });
      rows.push(row(`rfc6056 alg ${n}, empty range`, await opsPerSec((i) => empty.select(keys[i & 255])), anchor, GOAL_SELECT));
      const half: PortSelector = createRfc6056Selector(n, { range: RANGE, seed: 1, inUse: halfUsed });
      rows.push(row(`rfc6056 alg ${n}, half in use`, await opsPerSec((i) => half.select(keys[i & 255])), anchor, GOAL_SELECT / 4));
    }

    // Kernel models keep state: connect then close, so every measured call sees the same occupancy.
    const linux = new LinuxPortModel({ range: RANGE, seed: 1, reserved: PortSet.of({ low: 40_000, high: 40_999 }) });
    rows.push(
      row('linux connect()+close, empty', await opsPerSec((i) => {
        const k = keys[i & 255]!;
        linux.release(linux.connect(k)!, k);
      }), anchor, GOAL_KERNEL),
    );
    const linuxBusy = new LinuxPortModel({ range: RANGE, seed: 1 });
    const busyKey = keys[0]!;
    for (let j = 0; j < N / 2; j++) linuxBusy.connect(busyKey);
    rows.push(
      row('linux connect()+close, half used (same destination)', await opsPerSec(() => {
        linuxBusy.release(linuxBusy.connect(busyKey)!, busyKey);
      }), anchor, GOAL_KERNEL / 10),
    );
    rows.push(
      row('linux bind(0)+close, empty', await opsPerSec(() => {
        linux.release(linux.bindEphemeral()!);
      }), anchor, GOAL_KERNEL),
    );
    const bsd = new FreeBsdPortModel({ range: RANGE, seed: 1 });
    rows.push(
      row('freebsd connect()+close, empty', await opsPerSec((i) => {
        const k = keys[i & 255]!;
        bsd.release(bsd.connect(k)!, k);
      }), anchor, GOAL_KERNEL),
    );
    return rows;
  },
};

export default suite;
