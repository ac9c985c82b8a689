/**
 * Setting a dynamic port range: both address families, one store, verified in that store, restored on failure.
 * - KB929851 gives `netsh int <ipv4|ipv6> set dynamic <tcp|udp> start= num=` and no Microsoft page says one family
 *   covers the other, so both are set (IPv4, then IPv6) and both are read back from the store written
 *   (`show dynamicport` for the active store, `store=persistent` for the persistent one) — never from WMI, whose
 *   store is not documented.
 * - If the second family fails, or a read-back differs, both families are written back to the values found before
 *   (dynamic-range-restore.ts: netsh, or Set-NetTCPSetting for a range netsh refuses such as a Visual Studio or
 *   Hyper-V `start=1024`), verified in the same store: `ERR_EPHEMERAL_ROLLED_BACK` (cause = the failure,
 *   `violations` = the restore's warnings), or `ERR_EPHEMERAL_ROLLBACK_FAILED` with the commands to run by hand.
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
import {
  type WriteBackResult,
  type WriteRoutes,
  outsideNetshLimits,
  sameStartCount as same,
  setDynamicPortArgs,
  writeBack,
} from './dynamic-range-restore.js';
import { formatNetsh } from './netsh.js';
import { formatPowerShellSet } from './powershell.js';
import { toWindowsStartCount } from './start-count.js';

export { outsideNetshLimits, setDynamicPortArgs } from './dynamic-range-restore.js';

export interface FamiliesChange {
  previous: FamilyRanges;
  current: FamilyRanges;
  warnings: Diagnostic[];
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
        `netsh accepts (${why}, KB929851); had this change failed part-way, it would have been written back with ` +
        `${formatPowerShellSet(protocol, previous[family])}`,
    });
  }
  return out;
}

/** Sets `target` for both families in `store` with netsh; on failure writes back what was found (see above). */
export async function setBothFamilies(
  routes: WriteRoutes,
  protocol: Protocol,
  target: PortRange,
  store: NetshStore,
): Promise<FamiliesChange> {
  const value = toWindowsStartCount(target);
  const previous = await readFamilies(routes.netsh, protocol, store);
  const changed: IpFamily[] = [];
  let failure: unknown;
  try {
    for (const family of IP_FAMILIES) {
      if (same(previous[family], value)) continue;
      await routes.runSet(setDynamicPortArgs(family, protocol, value, store));
      changed.push(family);
    }
    const current = await readFamilies(routes.netsh, protocol, store);
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
  throw await restore(routes, protocol, store, previous, target, failure);
}

const describe = (error: unknown) => (isEphemeralPortsError(error) ? `${error.code}: ${error.message}` : String(error));

/** The error to throw after a failed change: ROLLED_BACK, ROLLBACK_FAILED, or the failure itself if nothing moved. */
async function restore(
  routes: WriteRoutes,
  protocol: Protocol,
  store: NetshStore,
  previous: FamilyRanges,
  target: PortRange,
  failure: unknown,
): Promise<unknown> {
  const why = describe(failure);
  let result: WriteBackResult;
  try {
    result = await writeBack(routes, protocol, store, previous);
    if (!result.written) return failure; // nothing was applied: the original failure stands
  } catch (restoreError) {
    return rollbackFailed(protocol, store, previous, target, failure, why, describe(restoreError));
  }
  const { warnings, viaPowerShell } = result;
  const viaCmdlet = viaPowerShell.length > 0 ? `, ${viaPowerShell.join(' and ')} through ${formatPowerShellSet(protocol, previous[viaPowerShell[0]!])} as netsh refuses it` : '';
  return new EphemeralPortsError(
    ErrorCodes.ROLLED_BACK,
    `setting the ${protocol.toUpperCase()} dynamic port range (${store}) to ${formatRange(target)} failed (${why}); ` +
      `the previous ranges were restored (IPv4 ${formatRange(previous.ipv4.range)}, IPv6 ${formatRange(previous.ipv6.range)}${viaCmdlet})`,
    {
      ...(failure instanceof EphemeralPortsError && failure.remedy !== undefined && { remedy: failure.remedy }),
      ...(warnings.length > 0 && { violations: warnings }),
      cause: failure,
    },
  );
}

function rollbackFailed(
  protocol: Protocol,
  store: NetshStore,
  previous: FamilyRanges,
  target: PortRange,
  failure: unknown,
  why: string,
  how: string,
): EphemeralPortsError {
  const byHand = IP_FAMILIES.map((f): [IpFamily, FamilyRange] => [f, previous[f]]).map(([f, r]) =>
    outsideNetshLimits(r) === undefined
      ? formatNetsh(setDynamicPortArgs(f, protocol, r, store))
      : `${formatPowerShellSet(protocol, r)} (for ${f}: netsh refuses it, ${outsideNetshLimits(r)}, KB929851)`,
  );
  return new EphemeralPortsError(
    ErrorCodes.ROLLBACK_FAILED,
    `setting the ${protocol.toUpperCase()} dynamic port range (${store}) to ${formatRange(target)} failed (${why}) ` +
      `and restoring the previous ranges failed too (${how}); the families may now disagree`,
    {
      remedy: `Restore by hand from an elevated prompt, then check with netsh int ipv4|ipv6 show dynamicport ${protocol}: ${[...new Set(byHand)].join(' && ')}.`,
      cause: failure,
    },
  );
}
