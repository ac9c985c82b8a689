/**
 * TEST ONLY. Loads the emulated BSD addon: the real native/bsd code linked against a sysctlbyname() double that
 * follows the documented FreeBSD / XNU behaviour (test/bsd/double). No BSD machine is available here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type BsdOs, type BsdSysctlAddon, isBsdSysctlAddon } from '@ephemeral-ports/bsd';

export interface DoubleWrite {
  name: string;
  requested: number;
  stored: number;
  /** first / last right after this write. */
  first: number;
  last: number;
  /** A connect() right after this write would trap in the kernel (FreeBSD in_pcb_lport_dest(): one port, randomized). */
  trap: boolean;
}

/** What the kernel's port picker would do now (test/bsd/double/sysctl_double.cc PickPort()). */
export type DoublePick = { trap: true } | { trap: false; port: number };

/** Controls of the double (test/bsd/double/test_addon.cc). */
export interface SysctlDouble {
  reset(os: BsdOs): void;
  get(name: string): number | undefined;
  poke(name: string, value: number): void;
  remove(name: string): void;
  setRoot(root: boolean): void;
  setSecurelevel(level: number): void;
  failWrite(nth: number, errno: 'EPERM' | 'EIO' | 'EINVAL' | 'EBUSY' | 'ENOMEM'): void;
  clampRange(min: number, max: number): void;
  forceStore(name: string, value: number): void;
  writeLog(): DoubleWrite[];
  pickPort(): DoublePick;
  rawWrite(name: string, value: number, newlen: number): number;
  rawRead(name: string, oldlen: number): number;
}

export interface EmulatedAddon extends BsdSysctlAddon {
  double: SysctlDouble;
}

const SCRIPT = fileURLToPath(new URL('./build-emulated-addon.mjs', import.meta.url));
const LOCK = fileURLToPath(new URL('./build/.lock', import.meta.url));

function isEmulated(value: unknown): value is EmulatedAddon {
  const d = (value as { double?: Record<string, unknown> } | null)?.double;
  return isBsdSysctlAddon(value) && typeof d === 'object' && d !== null && typeof d.reset === 'function';
}

let cached: EmulatedAddon | undefined;

/** Builds (when stale) and loads the emulated addon. */
export function loadEmulatedAddon(): EmulatedAddon {
  if (cached) return cached;
  mkdirSync(fileURLToPath(new URL('./build', import.meta.url)), { recursive: true });
  const path = execFileSync('/usr/bin/flock', [LOCK, process.execPath, SCRIPT], { encoding: 'utf8' });
  const addon: unknown = createRequire(import.meta.url)(path);
  if (!isEmulated(addon)) throw new Error(`${path} is not the emulated BSD addon`);
  cached = addon;
  return addon;
}

export const FIRST = 'net.inet.ip.portrange.first';
export const LAST = 'net.inet.ip.portrange.last';
