/**
 * Port-selection simulators: selections per second of RFC 6056 algorithms 1–5 and of the Linux/FreeBSD models,
 * over Linux's default range (32768-60999). Anchor: a bare `low + random() % N` pick with the same PRNG — the
 * least any selector must do — so the ratio shows what each algorithm's bookkeeping costs. The anchor is measured
 * last, when the shared measuring call site has seen every closure, so it runs under the same JIT conditions.
 *
 * "half used (same destination)" is slow by nature: every even port is taken for that destination, so each
 * connect() walks the whole even pass before the odd one, exactly as __inet_hash_connect() does.
 */
import {
  FreeBsdPortModel,
  LinuxPortModel,
  PortSet,
  Xoshiro128,
  createRfc6056Selector,
  portRange,
  type ConnectionKey,
  type Rfc6056AlgorithmNumber,
} from '@ephemeral-ports/core';
import { measure } from '../measure.js';
import { progress } from '../progress.js';
import type { BenchSuite } from '../types.js';

const RANGE = portRange(32_768, 60_999);
const N = RANGE.high - RANGE.low + 1;
/** Goals: fast enough for property tests and capacity what-ifs that run millions of selections. */
const GOAL_SELECT = 1_000_000;
const GOAL_SELECT_LOADED = 250_000;
const GOAL_KERNEL = 250_000;
const GOAL_KERNEL_FULL_SCAN = 1_000;

const keys: ConnectionKey[] = Array.from({ length: 256 }, (_, i) => ({
  localAddress: '10.0.0.1',
  remoteAddress: `192.0.2.${i}`,
  remotePort: 443,
}));

interface Case {
  name: string;
  goal: number;
  op: (i: number) => unknown;
}

async function opsPerSec(op: (i: number) => unknown): Promise<number> {
  let i = 0;
  const m = await measure(() => op(i++), { warmup: 3, iterations: 15, sampleMs: 10 });
  return m.opsPerSec;
}

function cases(): Case[] {
  const out: Case[] = [];
  const halfUsed = (p: number) => (p & 1) === 0; // every even port taken: half full, worst spread
  for (const n of [1, 2, 3, 4, 5] as Rfc6056AlgorithmNumber[]) {
    const empty = createRfc6056Selector(n, { range: RANGE, seed: 1 });
    out.push({ name: `rfc6056 alg ${n}, empty range`, goal: GOAL_SELECT, op: (i) => empty.select(keys[i & 255]) });
    const half = createRfc6056Selector(n, { range: RANGE, seed: 1, inUse: halfUsed });
    out.push({ name: `rfc6056 alg ${n}, half in use`, goal: GOAL_SELECT_LOADED, op: (i) => half.select(keys[i & 255]) });
  }
  // Kernel models keep state: connect then close, so every measured call sees the same occupancy.
  const linux = new LinuxPortModel({ range: RANGE, seed: 1, reserved: PortSet.of({ low: 40_000, high: 40_999 }) });
  out.push({
    name: 'linux connect()+close, empty',
    goal: GOAL_KERNEL,
    op: (i) => {
      const k = keys[i & 255]!;
      linux.release(linux.connect(k)!, k);
    },
  });
  const busy = new LinuxPortModel({ range: RANGE, seed: 1 });
  const busyKey = keys[0]!;
  for (let j = 0; j < N / 2; j++) busy.connect(busyKey);
  out.push({
    name: 'linux connect()+close, half used (same destination)',
    goal: GOAL_KERNEL_FULL_SCAN,
    op: () => busy.release(busy.connect(busyKey)!, busyKey),
  });
  out.push({ name: 'linux bind(0)+close, empty', goal: GOAL_KERNEL, op: () => linux.release(linux.bindEphemeral()!) });
  const bsd = new FreeBsdPortModel({ range: RANGE, seed: 1 });
  out.push({
    name: 'freebsd connect()+close, empty',
    goal: GOAL_KERNEL,
    op: (i) => {
      const k = keys[i & 255]!;
      bsd.release(bsd.connect(k)!, k);
    },
  });
  return out;
}

const suite: BenchSuite = {
  name: 'simulators',
  async run() {
    const measured: { c: Case; value: number }[] = [];
    for (const c of cases()) {
      measured.push({ c, value: await opsPerSec(c.op) });
      progress(`simulators: ${c.name}: ${Math.round(measured.at(-1)!.value).toLocaleString('en-US')}/s`);
    }
    const rng = new Xoshiro128(1);
    const anchorValue = await opsPerSec(() => RANGE.low + (rng.next() % N));
    return measured.map(({ c, value }) => ({
      name: c.name,
      value: Math.round(value),
      unit: 'selections/s',
      anchor: 'bare random pick',
      anchorValue: Math.round(anchorValue),
      ratio: value / anchorValue,
      goal: `≥ ${c.goal.toLocaleString('en-US')}/s`,
      pass: value >= c.goal,
    }));
  },
};

export default suite;
