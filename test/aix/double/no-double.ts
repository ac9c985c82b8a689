/**
 * Creates a private instance of the `no` double (EMULATED AIX): a state directory and an executable wrapper
 * whose absolute path is handed to the backend as `noPath`, exactly where /usr/sbin/no would be.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Tunable {
  current: number;
  default: number;
  reboot: number;
  min: number;
  max: number;
  unit: string;
  /** `no -x` type letter (IBM Docs "Tunable parameters type"): S D B R C M I d. */
  type: string;
  /** Names `no -x` lists in its dependencies field. */
  dependencies?: string[];
  /** Shown by -a / -x only with -F. */
  restricted?: boolean;
  /** false: the running kernel does not support it (`n/a`). */
  supported?: boolean;
}

/** The live ephemeral pairs after one applied write (states.log). */
export interface PairStates {
  tcp: [low: number, high: number];
  udp: [low: number, high: number];
}

export interface NoDouble {
  path: string;
  dir: string;
  state(): Record<string, Tunable>;
  calls(): string[][];
  nextboot(): string;
  /** The live pairs after every write the double applied, in order. */
  states(): PairStates[];
  cleanup(): void;
}

// Defaults 32768-65535 and type Dynamic: IBM RSCT 3.2 "Ephemeral ports", SAS note 43946 (platform-facts §7.1).
// IBM RSCT docs: the low values cannot be set below 1024; the exact min/max are unverified, so tests vary them.
const eph = (partner: string): Tunable => ({
  current: 32768,
  default: 32768,
  reboot: 32768,
  min: 1024,
  max: 65535,
  unit: 'numeric',
  type: 'D',
  dependencies: [partner],
});
const ephHigh = (partner: string): Tunable => ({ ...eph(partner), current: 65535, default: 65535, reboot: 65535 });

export function createNoDouble(
  options: { env?: Record<string, string>; tunables?: Record<string, Partial<Tunable>> } = {},
): NoDouble {
  const dir = mkdtempSync(join(tmpdir(), 'no-double-'));
  const tunables: Record<string, Tunable> = {
    tcp_ephemeral_low: eph('tcp_ephemeral_high'),
    tcp_ephemeral_high: ephHigh('tcp_ephemeral_low'),
    udp_ephemeral_low: eph('udp_ephemeral_high'),
    udp_ephemeral_high: ephHigh('udp_ephemeral_low'),
    tcp_finwait2: { current: 1200, default: 1200, reboot: 1200, min: 0, max: 65535, unit: 'halfsecond', type: 'D' },
    // Unrelated tunables of other types, so that -a / -x output holds what a real machine's does.
    ipqmaxlen: { current: 100, default: 100, reboot: 100, min: 100, max: 2147483647, unit: 'numeric', type: 'R' },
    tcp_fastlo: {
      current: 0, default: 0, reboot: 0, min: 0, max: 1, unit: 'boolean', type: 'D',
      dependencies: ['tcp_fastlo_crosswpar'], restricted: true,
    },
    ipsrcrouteforward: { current: 1, default: 1, reboot: 1, min: 0, max: 1, unit: 'boolean', type: 'D', supported: false },
  };
  for (const [name, patch] of Object.entries(options.tunables ?? {})) tunables[name] = { ...tunables[name]!, ...patch };
  writeFileSync(join(dir, 'tunables.json'), JSON.stringify(tunables, null, 2));
  const env = { NO_DOUBLE_STATE: dir, ...options.env };
  const script = fileURLToPath(new URL('./no.mjs', import.meta.url));
  // .mjs so that node runs the wrapper as an ES module when the kernel follows the shebang.
  const path = join(dir, 'no.mjs');
  writeFileSync(
    path,
    `#!${process.execPath}\nimport { main } from ${JSON.stringify(script)};\n` +
      `main(process.argv.slice(2), { ...process.env, ...${JSON.stringify(env)} });\n`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    dir,
    state: () => JSON.parse(readFileSync(join(dir, 'tunables.json'), 'utf8')),
    calls: () =>
      readOr(join(dir, 'calls.log'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    nextboot: () => readOr(join(dir, 'nextboot')),
    states: () =>
      readOr(join(dir, 'states.log'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as PairStates),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
