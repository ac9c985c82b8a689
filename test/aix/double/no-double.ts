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
  type: string;
}

export interface NoDouble {
  path: string;
  dir: string;
  state(): Record<string, Tunable>;
  calls(): string[][];
  nextboot(): string;
  cleanup(): void;
}

// IBM RSCT docs: the low values cannot be set below 1024; exact min/max are unverified, so tests also vary them.
const eph = (): Tunable => ({ current: 32768, default: 32768, reboot: 32768, min: 1024, max: 65535, unit: 'numeric', type: 'D' });
const ephHigh = (): Tunable => ({ ...eph(), current: 65535, default: 65535, reboot: 65535 });

export function createNoDouble(
  options: { env?: Record<string, string>; tunables?: Record<string, Partial<Tunable>> } = {},
): NoDouble {
  const dir = mkdtempSync(join(tmpdir(), 'no-double-'));
  const tunables: Record<string, Tunable> = {
    tcp_ephemeral_low: eph(),
    tcp_ephemeral_high: ephHigh(),
    udp_ephemeral_low: eph(),
    udp_ephemeral_high: ephHigh(),
    tcp_finwait2: { current: 1200, default: 1200, reboot: 1200, min: 0, max: 65535, unit: 'halfsecond', type: 'D' },
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
