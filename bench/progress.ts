/**
 * Shared by the bench runner and its suites: `--quick` (a small subset for local use, set by bench/run.ts through
 * EPHEMERAL_PORTS_BENCH_QUICK so that child processes see it too) and one progress line per case on stderr, so a
 * long run shows where it is without disturbing the tables on stdout.
 */
export const quick = process.env.EPHEMERAL_PORTS_BENCH_QUICK === '1';

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
