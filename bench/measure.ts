/**
 * A tiny timing helper: warm up, time N samples with process.hrtime.bigint, report median/p90 per operation and
 * ops/s derived from the median. Each sample runs `fn` `batch` times so very cheap operations are measurable.
 */
export interface MeasureOptions {
  /** Samples discarded before timing (JIT warm-up). Default 5. */
  warmup?: number;
  /** Timed samples. Default 30. */
  iterations?: number;
  /** Calls of `fn` per sample. Default: calibrated so one sample takes about `sampleMs`. */
  batch?: number;
  /** Target duration of one sample when `batch` is not given. Default 5 ms. */
  sampleMs?: number;
}

export interface Measurement {
  /** Median nanoseconds per call. */
  medianNs: number;
  /** 90th percentile nanoseconds per call. */
  p90Ns: number;
  /** Calls per second at the median. */
  opsPerSec: number;
  samples: number;
}

export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const warmup = options.warmup ?? 5;
  const iterations = options.iterations ?? 30;
  const batch = Math.max(1, options.batch ?? (await calibrate(fn, options.sampleMs ?? 5)));
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be a positive integer');
  let sink: unknown;
  const sample = async (): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) {
      const out = fn();
      sink = out instanceof Promise ? await out : out;
    }
    return Number(process.hrtime.bigint() - start) / batch;
  };
  for (let i = 0; i < warmup; i++) await sample();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) times.push(await sample());
  void sink;
  times.sort((a, b) => a - b);
  const medianNs = percentile(times, 0.5);
  return { medianNs, p90Ns: percentile(times, 0.9), opsPerSec: medianNs > 0 ? 1e9 / medianNs : Infinity, samples: iterations };
}

/** Doubles the call count until one run of `fn` that many times takes `sampleMs`; returns that count. */
async function calibrate(fn: () => unknown, sampleMs: number): Promise<number> {
  const targetNs = sampleMs * 1e6;
  for (let count = 1; ; count *= 2) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const out = fn();
      if (out instanceof Promise) await out;
    }
    const elapsed = Number(process.hrtime.bigint() - start);
    if (elapsed >= targetNs || count >= 1 << 24) return Math.max(1, Math.round((count * targetNs) / Math.max(elapsed, 1)));
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Total ms of `calls` sequential awaited calls of each of two functions, timed in rounds of `round` calls that
 * alternate which goes first, after one warm-up round each; `reset` runs after the warm-up and at the end (e.g. to
 * release the ports the calls locked).
 */
export async function interleavedTotals(
  ours: () => Promise<unknown>,
  theirs: () => Promise<unknown>,
  { calls, round, reset }: { calls: number; round: number; reset: () => void },
): Promise<{ ours: number; theirs: number }> {
  const timeRound = async (call: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < round; i++) await call();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < round; i++) {
    await ours();
    await theirs();
  }
  reset();
  let a = 0;
  let b = 0;
  for (let r = 0; r < calls / round; r++) {
    if (r % 2 === 0) {
      a += await timeRound(ours);
      b += await timeRound(theirs);
    } else {
      b += await timeRound(theirs);
      a += await timeRound(ours);
    }
  }
  reset();
  return { ours: a, theirs: b };
}

/** Runs a suite's measuring child (`main`) when this process is one, a failure becoming its stack and exit code 1. */
export function runIfChild(isChild: boolean, main: () => Promise<unknown>): void {
  if (!isChild) return;
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
