/**
 * Free-port allocation: 1000 sequential `getFreePort()` calls with our default checks (live ephemeral range and
 * reserved ports avoided, dual-stack bind probe, machine-wide lock) against 1000 `getPort()` calls of get-port with
 * its defaults. Goal: ours ≤ 1.0× get-port's time.
 *
 * The machine is shared, so the two run interleaved in rounds of 100 (alternating which goes first) and each total
 * is the sum over its rounds: background load hits both alike. That whole comparison is repeated REPEATS times and
 * the row reports the repetition with the median ratio. A second row, informational, binds each of the four
 * addresses explicitly (`addresses: 'all'`, the plan used on BSD/macOS/Windows).
 */
import getPort from 'get-port';
import { clearLockedPorts, getFreePort } from 'ephemeral-ports';
import { interleavedTotals } from '../measure.js';
import { progress } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';

const CALLS = 1000;
const ROUND = 100;
const REPEATS = 3;

type Call = () => Promise<number>;

/** Total ms for CALLS calls of each, measured in interleaved rounds. */
const sideBySide = (ours: Call, theirs: Call) =>
  interleavedTotals(ours, theirs, { calls: CALLS, round: ROUND, reset: () => clearLockedPorts() });

function row(name: string, t: { ours: number; theirs: number }, goal: boolean): BenchRow {
  const ratio = t.ours / t.theirs;
  const out: BenchRow = {
    name,
    value: t.ours,
    unit: `ms / ${CALLS} calls`,
    anchor: `get-port getPort() × ${CALLS}`,
    anchorValue: t.theirs,
    ratio,
  };
  if (goal) {
    out.goal = 'ratio ≤ 1.0 (time, lower is better)';
    out.pass = ratio <= 1.0;
  }
  return out;
}

const suite: BenchSuite = {
  name: 'free-port',
  async run() {
    const runs: { ours: number; theirs: number }[] = [];
    for (let i = 0; i < REPEATS; i++) {
      progress(`free-port: getFreePort() vs get-port, repeat ${i + 1} of ${REPEATS}`);
      runs.push(await sideBySide(() => getFreePort(), () => getPort()));
    }
    runs.sort((a, b) => a.ours / a.theirs - b.ours / b.theirs);
    const byDefault = runs[Math.floor(REPEATS / 2)]!;
    const allAddresses = await sideBySide(() => getFreePort({ addresses: 'all' }), () => getPort());
    return [
      row(`getFreePort() default checks (median of ${REPEATS})`, byDefault, true),
      row("getFreePort({ addresses: 'all' }) (info)", allAddresses, false),
    ];
  },
};

export default suite;
