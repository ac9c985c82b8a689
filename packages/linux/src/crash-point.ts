/**
 * Named points where the interruption tests (test/hardening/interrupted-persist.test.ts) SIGKILL this process, to
 * show that a run killed between any two steps leaves the old or the new state. `EPHEMERAL_PORTS_TEST_CRASH_AT=
 * <step>[:<n>]` kills at the n-th time (default first) the step is reached. Honoured only under vitest (`VITEST`
 * set, as vitest sets it and the children of its tests inherit it); a no-op otherwise.
 */
export const CRASH_ENV = 'EPHEMERAL_PORTS_TEST_CRASH_AT';

export type CrashStep = 'temp-created' | 'temp-written' | 'temp-synced' | 'renamed' | 'live-before-write' | 'live-written';

const reached = new Map<CrashStep, number>();

export function crashPoint(step: CrashStep): void {
  const wanted = process.env.VITEST ? process.env[CRASH_ENV] : undefined;
  if (wanted === undefined) return;
  const times = (reached.get(step) ?? 0) + 1;
  reached.set(step, times);
  const [name, nth = '1'] = wanted.split(':');
  if (name === step && Number(nth) === times) process.kill(process.pid, 'SIGKILL');
}
