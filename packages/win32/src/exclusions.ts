/**
 * Excluded port ranges: read with `netsh int ipv4|ipv6 show excludedportrange protocol=…` (the only documented way
 * to LIST them, system blocks included) — both families, since netsh lists them per family and a block may show
 * in one list only; a row in both lists is one row with `families: ['ipv4', 'ipv6']`. Changed with the documented
 * persistent reservation calls of the addon (which take no address family).
 * `setReserved` makes the ADMINISTERED exclusions equal the given set; system exclusions (Hyper-V, WinNAT...) are
 * not ours to remove and stay. A failed multi-step change is undone in reverse order.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  type PortSet,
  type Protocol,
  formatRange,
} from '@ephemeral-ports/core';
import type { Win32NativeBinding } from './native.js';
import { IP_FAMILIES, type IpFamily } from './dynamic-range.js';
import { type ExcludedPortRange, parseExcludedPortRanges } from './netsh-excluded.js';
import { type NetshRunner, commandFailed } from './netsh.js';
import { toWin32Error } from './win-error.js';

export const showExcludedArgs = (family: IpFamily, protocol: Protocol): string[] => [
  'int',
  family,
  'show',
  'excludedportrange',
  `protocol=${protocol}`,
];

async function readFamily(netsh: NetshRunner, family: IpFamily, protocol: Protocol): Promise<ExcludedPortRange[]> {
  const args = showExcludedArgs(family, protocol);
  const result = await netsh(args);
  if (result.status !== 0) throw commandFailed(args, result);
  return parseExcludedPortRanges(result.stdout).map((r) => ({ ...r, families: [family] }));
}

/** Rows of both families' lists, merged (same start, end and marker = one row), sorted by start. */
export async function readExcludedRanges(netsh: NetshRunner, protocol: Protocol): Promise<ExcludedPortRange[]> {
  const lists: ExcludedPortRange[][] = [];
  for (const family of IP_FAMILIES) lists.push(await readFamily(netsh, family, protocol));
  const rows = new Map<string, ExcludedPortRange>();
  for (const row of lists.flat()) {
    const key = `${row.low}-${row.high}-${row.administered}`;
    const seen = rows.get(key);
    rows.set(key, Object.freeze(seen ? { ...seen, families: [...seen.families!, ...row.families!] } : row));
  }
  return [...rows.values()].sort((a, b) => a.low - b.low || a.high - b.high);
}

type Step = { op: 'create' | 'delete'; range: PortRange };

const count = (r: PortRange) => r.high - r.low + 1;
const same = (a: PortRange, b: PortRange) => a.low === b.low && a.high === b.high;

function run(native: Win32NativeBinding, protocol: Protocol, step: Step): void {
  try {
    if (step.op === 'create') native.createPortReservation(protocol, step.range.low, count(step.range));
    else native.deletePortReservation(protocol, step.range.low, count(step.range));
  } catch (error) {
    throw toWin32Error(error);
  }
}

/** The steps that turn the administered rows into `target`: deletions first, so reshaped ranges never overlap. */
export function planReservations(current: readonly ExcludedPortRange[], target: PortSet): Step[] {
  const administered = current.filter((r) => r.administered);
  const deletes = administered.filter((r) => !target.ranges.some((t) => same(t, r)));
  const creates = target.ranges.filter((t) => !administered.some((r) => same(t, r)));
  return [
    ...deletes.map((range): Step => ({ op: 'delete', range: { low: range.low, high: range.high } })),
    ...creates.map((range): Step => ({ op: 'create', range })),
  ];
}

export function applyReservations(native: Win32NativeBinding, protocol: Protocol, steps: readonly Step[]): void {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      run(native, protocol, step);
      done.push(step);
    } catch (error) {
      const undo = done.reverse().map((s): Step => ({ op: s.op === 'create' ? 'delete' : 'create', range: s.range }));
      const what = `${step.op} ${protocol} reservation ${formatRange(step.range)}`;
      try {
        for (const s of undo) run(native, protocol, s);
      } catch (rollbackError) {
        throw new EphemeralPortsError(
          ErrorCodes.ROLLBACK_FAILED,
          `${what} failed (${(error as Error).message}) and restoring the previous reservations failed too ` +
            `(${(rollbackError as Error).message})`,
          { cause: error, remedy: 'inspect netsh int ipv4 show excludedportrange and fix it by hand (elevated)' },
        );
      }
      const e = error as EphemeralPortsError;
      if (done.length === 0) throw e; // nothing changed: the OS error itself is the clearest answer
      throw new EphemeralPortsError(
        ErrorCodes.ROLLED_BACK,
        `${what} failed (${e.message}); the previous reservations were restored`,
        { cause: error, ...(e.remedy !== undefined && { remedy: e.remedy }) },
      );
    }
  }
}
