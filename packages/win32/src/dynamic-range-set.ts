/**
 * Setting a dynamic port range: both address families, one store, verified in that store, restored on failure.
 * - KB929851 gives `netsh int <ipv4|ipv6> set dynamic <tcp|udp> start= num=` and no Microsoft page says one family
 *   covers the other, so both are set (IPv4, then IPv6) and both are read back from the store written
 *   (`show dynamicport` for the active store, `store=persistent` for the persistent one) — never from WMI, whose
 *   store is not documented.
 * - If the second family fails, or a read-back differs, every family already changed is set back to the values
 *   found before (`ERR_EPHEMERAL_ROLLED_BACK`, cause = the failure), or `ERR_EPHEMERAL_ROLLBACK_FAILED` with the
 *   commands to run by hand. A restore writes exactly what was found, even a range core would not choose (a
 *   Visual Studio or Hyper-V install leaves `start=1024`): it is not validated, only warned about, since KB929851
 *   says netsh refuses a start below 1025 and such a restore may then need `Set-NetTCPSetting` (documented for
 *   start ports 1 through 65535).
 */
import {
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  type Protocol,
  formatRange,
  isEphemeralPortsError,
} from '@ephemeral-ports/core';
import {
  type FamilyRange,
  type FamilyRanges,
  IP_FAMILIES,
  type IpFamily,
  type NetshStore,
  familyWarnings,
  readFamilies,
} from './dynamic-range.js';
import { type NetshRunner, formatNetsh } from './netsh.js';
import { toWindowsStartCount } from './start-count.js';

/** KB929851: "The minimum start port that can be set is 1025"; at least 255 ports; the end at most 65535. */
const NETSH_MIN_START = 1025;
const NETSH_MIN_COUNT = 255;

export const setDynamicPortArgs = (
  family: IpFamily,
  protocol: Protocol,
  value: { start: number; count: number },
  store: NetshStore,
): string[] => ['int', family, 'set', 'dynamicport', protocol, `start=${value.start}`, `num=${value.count}`, `store=${store}`];

export interface FamiliesChange {
  previous: FamilyRanges;
  current: FamilyRanges;
  warnings: Diagnostic[];
}

const same = (a: { start: number; count: number }, b: { start: number; count: number }) =>
  a.start === b.start && a.count === b.count;

/** Why netsh may refuse to write `r` back (KB929851's limits), or undefined. */
export function outsideNetshLimits(r: { start: number; count: number }): string | undefined {
  if (r.start < NETSH_MIN_START) return `start ${r.start} is below ${NETSH_MIN_START}`;
  if (r.count < NETSH_MIN_COUNT) return `${r.count} ports are fewer than ${NETSH_MIN_COUNT}`;
  return undefined;
}

function previousWarnings(protocol: Protocol, previous: FamilyRanges, store: NetshStore): Diagnostic[] {
  const out = familyWarnings(protocol, previous, store).map((w) => ({ ...w, code: 'FAMILIES_DISAGREED' }));
  for (const family of IP_FAMILIES) {
    const why = outsideNetshLimits(previous[family]);
    if (why === undefined) continue;
    out.push({
      code: 'PREVIOUS_OUTSIDE_NETSH_LIMITS',
      severity: 'warning',
      message:
        `the ${family} ${protocol.toUpperCase()} range found, ${formatRange(previous[family].range)}, is outside what ` +
        `netsh accepts (${why}, KB929851); had this change failed part-way, netsh could not have written it back`,
    });
  }
  return out;
}

/** Sets `target` for both families in `store`; `runSet` runs one netsh `set` and throws on a refusal. */
export async function setBothFamilies(
  netsh: NetshRunner,
  runSet: (args: string[]) => Promise<void>,
  protocol: Protocol,
  target: PortRange,
  store: NetshStore,
): Promise<FamiliesChange> {
  const value = toWindowsStartCount(target);
  const previous = await readFamilies(netsh, protocol, store);
  const changed: IpFamily[] = [];
  let failure: unknown;
  try {
    for (const family of IP_FAMILIES) {
      if (same(previous[family], value)) continue;
      await runSet(setDynamicPortArgs(family, protocol, value, store));
      changed.push(family);
    }
    const current = await readFamilies(netsh, protocol, store);
    const wrong = IP_FAMILIES.filter((f) => !same(current[f], value));
    if (wrong.length === 0) return { previous, current, warnings: previousWarnings(protocol, previous, store) };
    failure = new EphemeralPortsError(
      ErrorCodes.READBACK_MISMATCH,
      `wrote ${formatRange(target)} to the ${store} store but netsh reads back ` +
        wrong.map((f) => `${formatRange(current[f].range)} for ${f}`).join(' and '),
    );
  } catch (error) {
    if (changed.length === 0) throw error;
    failure = error;
  }
  throw await restore(netsh, runSet, protocol, store, previous, target, failure);
}

async function restore(
  netsh: NetshRunner,
  runSet: (args: string[]) => Promise<void>,
  protocol: Protocol,
  store: NetshStore,
  previous: FamilyRanges,
  target: PortRange,
  failure: unknown,
): Promise<unknown> {
  const why = isEphemeralPortsError(failure) ? `${failure.code}: ${failure.message}` : String(failure);
  const commands = IP_FAMILIES.map((f) => formatNetsh(setDynamicPortArgs(f, protocol, previous[f], store)));
  try {
    const now = await readFamilies(netsh, protocol, store);
    const moved = IP_FAMILIES.filter((f) => !same(now[f], previous[f]));
    if (moved.length === 0) return failure; // nothing was applied: the original failure stands
    for (const family of moved) await runSet(setDynamicPortArgs(family, protocol, previous[family], store));
    const back = await readFamilies(netsh, protocol, store);
    const still = IP_FAMILIES.filter((f) => !same(back[f], previous[f]));
    if (still.length > 0) {
      throw new EphemeralPortsError(
        ErrorCodes.READBACK_MISMATCH,
        `read back ${still.map((f) => `${formatRange(back[f].range)} for ${f}`).join(' and ')} after restoring`,
      );
    }
  } catch (restoreError) {
    const how = isEphemeralPortsError(restoreError) ? `${restoreError.code}: ${restoreError.message}` : String(restoreError);
    const limits = IP_FAMILIES.map((f): [IpFamily, FamilyRange, string | undefined] => [f, previous[f], outsideNetshLimits(previous[f])])
      .filter(([, , w]) => w !== undefined)
      .map(
        ([f, r, w]) =>
          ` The ${f} range found (${formatRange(r.range)}) is outside what netsh accepts (${w}, KB929851); ` +
          `Set-Net${protocol === 'udp' ? 'UDP' : 'TCP'}Setting -DynamicPortRangeStartPort ${r.start} ` +
          `-DynamicPortRangeNumberOfPorts ${r.count} is documented for start ports 1 through 65535.`,
      );
    return new EphemeralPortsError(
      ErrorCodes.ROLLBACK_FAILED,
      `setting the ${protocol.toUpperCase()} dynamic port range (${store}) to ${formatRange(target)} failed (${why}) ` +
        `and restoring the previous ranges failed too (${how}); the families may now disagree`,
      {
        remedy: `Restore by hand from an elevated prompt: ${commands.join(' && ')}.${[...new Set(limits)].join('')}`,
        cause: failure,
      },
    );
  }
  return new EphemeralPortsError(
    ErrorCodes.ROLLED_BACK,
    `setting the ${protocol.toUpperCase()} dynamic port range (${store}) to ${formatRange(target)} failed (${why}); ` +
      `the previous ranges were restored (IPv4 ${formatRange(previous.ipv4.range)}, IPv6 ${formatRange(previous.ipv6.range)})`,
    {
      ...(failure instanceof EphemeralPortsError && failure.remedy !== undefined && { remedy: failure.remedy }),
      cause: failure,
    },
  );
}
