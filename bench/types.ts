/** One measured number of a bench suite, optionally compared with an anchor (a reference implementation). */
export interface BenchRow {
  /** What was measured, e.g. `rfc6056 alg1 select`. */
  name: string;
  value: number;
  /** Unit of `value`, e.g. `ops/s`, `µs`, `ms`. */
  unit: string;
  /** What `value` is compared with, e.g. `Math.random() port pick`. */
  anchor?: string;
  /** The anchor's value in the same unit. */
  anchorValue?: number;
  /** value / anchorValue (or the inverse for "lower is better" units; the suite decides and says so in `goal`). */
  ratio?: number;
  /** Human statement of the goal, e.g. `≥ 1e6 ops/s` or `ratio ≥ 0.5`. */
  goal?: string;
  pass?: boolean;
}

/** What every module in bench/suites/*.ts default-exports. */
export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}
