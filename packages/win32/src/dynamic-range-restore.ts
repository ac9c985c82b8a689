/**
 * Writing a dynamic port range found earlier back into one store, whatever it was: a rollback after a failed
 * change, or `restoreRange()` of a state read before. Real machines hold ranges netsh refuses to write (KB929851:
 * start ≥ 1025, ≥ 255 ports; Hyper-V and Visual Studio installs leave `start=1024`), so those are written with
 * Set-NetTCPSetting / Set-NetUDPSetting (powershell.ts; start 1 through 65535) and every other one with netsh.
 * - The cmdlets take no address family and no store (their docs list none), so after them both families are read
 *   back from the store being restored, a family they moved that netsh can write is put right with netsh, and the
 *   store is read back again: success is what that last read shows, never what a command said.
 * - What a restore writes is not validated against the ranges the tool would choose (it is what the machine
 *   held); it is only checked against what the cmdlets accept, and warned about (`RESTORED_OUTSIDE_NETSH_LIMITS`).
 */
import {
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type Protocol,
  formatRange,
} from '@ephemeral-ports/core';
import { type FamilyRanges, IP_FAMILIES, type IpFamily, type NetshStore, readFamilies } from './dynamic-range.js';
import type { NetshRunner } from './netsh.js';
import { type StartCount, formatPowerShellSet } from './powershell.js';
import { fromWindowsStartCount } from './start-count.js';

/** KB929851: "The minimum start port that can be set is 1025"; "The minimum range of ports that can be set is 255". */
export const NETSH_MIN_START = 1025;
export const NETSH_MIN_COUNT = 255;

export const RESTORED_OUTSIDE_NETSH_LIMITS = 'RESTORED_OUTSIDE_NETSH_LIMITS';

export const setDynamicPortArgs = (
  family: IpFamily,
  protocol: Protocol,
  value: StartCount,
  store: NetshStore,
): string[] => ['int', family, 'set', 'dynamicport', protocol, `start=${value.start}`, `num=${value.count}`, `store=${store}`];

export const sameStartCount = (a: StartCount, b: StartCount) => a.start === b.start && a.count === b.count;

/** Why netsh refuses to write `r` (KB929851's limits), or undefined. */
export function outsideNetshLimits(r: StartCount): string | undefined {
  if (r.start < NETSH_MIN_START) return `start ${r.start} is below ${NETSH_MIN_START}`;
  if (r.count < NETSH_MIN_COUNT) return `${r.count} ports are fewer than ${NETSH_MIN_COUNT}`;
  return undefined;
}

export interface WriteRoutes {
  netsh: NetshRunner;
  /** One netsh `set`; throws on a refusal. */
  runSet: (args: string[]) => Promise<void>;
  /** One Set-NetTCPSetting / Set-NetUDPSetting; throws on a refusal. */
  powershellSet: (protocol: Protocol, value: StartCount) => Promise<void>;
}

export interface WriteBackResult {
  /** Whether anything had to be written (false: the store already held `found`). */
  written: boolean;
  before: FamilyRanges;
  after: FamilyRanges;
  /** The families written through PowerShell. */
  viaPowerShell: IpFamily[];
  warnings: Diagnostic[];
}

const otherStore = (store: NetshStore): NetshStore => (store === 'active' ? 'persistent' : 'active');

async function readOrUndefined(netsh: NetshRunner, protocol: Protocol, store: NetshStore) {
  try {
    return await readFamilies(netsh, protocol, store);
  } catch {
    return undefined; // only used to tell what else the cmdlets moved; the restore stands without it
  }
}

const describeFamilies = (f: FamilyRanges) => `IPv4 ${formatRange(f.ipv4.range)}, IPv6 ${formatRange(f.ipv6.range)}`;

/**
 * Makes `store` hold `found` for both families, verified by reading that store back; throws
 * ERR_EPHEMERAL_READBACK_MISMATCH (or the failing command's error) when it does not.
 */
export async function writeBack(
  routes: WriteRoutes,
  protocol: Protocol,
  store: NetshStore,
  found: Record<IpFamily, StartCount>,
): Promise<WriteBackResult> {
  const before = await readFamilies(routes.netsh, protocol, store);
  const moved = IP_FAMILIES.filter((f) => !sameStartCount(before[f], found[f]));
  if (moved.length === 0) return { written: false, before, after: before, viaPowerShell: [], warnings: [] };

  const viaPowerShell = moved.filter((f) => outsideNetshLimits(found[f]) !== undefined);
  const otherBefore = viaPowerShell.length > 0 ? await readOrUndefined(routes.netsh, protocol, otherStore(store)) : undefined;
  const done: StartCount[] = [];
  for (const family of viaPowerShell) {
    if (done.some((v) => sameStartCount(v, found[family]))) continue;
    await routes.powershellSet(protocol, found[family]);
    done.push(found[family]);
  }

  // The cmdlets may have moved a family netsh can write (they have no family parameter): netsh puts it right.
  const middle = viaPowerShell.length > 0 ? await readFamilies(routes.netsh, protocol, store) : before;
  for (const family of IP_FAMILIES) {
    if (sameStartCount(middle[family], found[family]) || outsideNetshLimits(found[family]) !== undefined) continue;
    await routes.runSet(setDynamicPortArgs(family, protocol, found[family], store));
  }

  const after = await readFamilies(routes.netsh, protocol, store);
  const wrong = IP_FAMILIES.filter((f) => !sameStartCount(after[f], found[f]));
  if (wrong.length > 0) {
    throw new EphemeralPortsError(
      ErrorCodes.READBACK_MISMATCH,
      `wrote ${wrong.map((f) => `${formatRange(fromWindowsStartCount(found[f]))} for ${f}`).join(' and ')} to the ` +
        `${store} store but netsh reads back ${wrong.map((f) => formatRange(after[f].range)).join(' and ')}` +
        (viaPowerShell.length > 0
          ? ` (${formatPowerShellSet(protocol, found[viaPowerShell[0]!])} has no address-family parameter, so ` +
            'families holding two different ranges netsh refuses cannot both be written)'
          : ''),
    );
  }

  const otherAfter = viaPowerShell.length > 0 ? await readOrUndefined(routes.netsh, protocol, otherStore(store)) : undefined;
  const otherMoved =
    otherBefore !== undefined &&
    otherAfter !== undefined &&
    IP_FAMILIES.some((f) => !sameStartCount(otherBefore[f], otherAfter[f]));
  const warnings: Diagnostic[] = viaPowerShell.map((family) => ({
    code: RESTORED_OUTSIDE_NETSH_LIMITS,
    severity: 'warning',
    message:
      `restored the ${family} ${protocol.toUpperCase()} range found, ${formatRange(after[family].range)}, in the ` +
      `${store} store with ${formatPowerShellSet(protocol, found[family])}, because netsh refuses it ` +
      `(${outsideNetshLimits(found[family])}, KB929851); this tool would not choose such a range itself` +
      (otherMoved
        ? `; the cmdlet has no store parameter and also changed the ${otherStore(store)} store ` +
          `(${describeFamilies(otherBefore!)} before, ${describeFamilies(otherAfter!)} now)`
        : ''),
  }));
  return { written: true, before, after, viaPowerShell, warnings };
}
