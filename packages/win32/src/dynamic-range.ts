/**
 * Reading a dynamic port range, through a chain of documented routes (platform-facts §8.6):
 *   1. `netsh int ipv4 show dynamicport tcp|udp` AND `netsh int ipv6 show dynamicport tcp|udp`, parsed by
 *      position. KB929851 offers the command per IP version and never says the two share one range, so both are
 *      read and a disagreement is reported (`details.families`, a `FAMILIES_DISAGREE` warning in `warnings`);
 *      the range given is IPv4's.
 *   2. WMI root/StandardCimv2 MSFT_NetTCPSetting / MSFT_NetUDPSetting (from the addon, no process spawned), when
 *      netsh does not answer: it has no address family, and which store it shows is not documented, so a reading
 *      from it says so.
 * Every attempt is recorded; a reading says which route answered and why the earlier ones did not, and when none
 * answers the error lists them all (Wine has neither a working netsh nor the WMI class). The undocumented
 * iphlpapi!Internal*DynamicPortRange exports are never called.
 */
import {
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  type Protocol,
  type RangeReading,
  formatRange,
} from '@ephemeral-ports/core';
import type { Win32NativeBinding } from './native.js';
import { parseDynamicPortOutput } from './netsh-dynamicport.js';
import { type NetshRunner, commandFailed } from './netsh.js';
import { fromWindowsStartCount } from './start-count.js';
import { toWin32Error } from './win-error.js';

export type NetshStore = 'active' | 'persistent';
export type IpFamily = 'ipv4' | 'ipv6';
export const IP_FAMILIES: readonly IpFamily[] = Object.freeze(['ipv4', 'ipv6']);

/** One family's range as netsh reports it. */
export interface FamilyRange {
  range: PortRange;
  start: number;
  count: number;
}

export type FamilyRanges = Record<IpFamily, FamilyRange>;

/** One step of the chain that did not answer. */
export interface ReadAttempt {
  source: string;
  /** The error's code: an errno name or an ERR_EPHEMERAL_* code. */
  code: string;
  /** The Windows name of the failure, when Windows reported one. */
  winCode?: string;
  message: string;
}

/**
 * No route answered. `attempts` lists them in order; `code`, `errno`, `winCode` and `syscall` are the first one's
 * (netsh, the route that reads both families): a missing fallback (no WMI class) must not hide why the main route
 * failed, nor read as the caller's unsupported request.
 */
export class RangeReadError extends EphemeralPortsError {
  readonly attempts: readonly ReadAttempt[];
  constructor(protocol: Protocol, attempts: ReadAttempt[], cause: unknown) {
    const first = attempts[0];
    const firstError = cause instanceof EphemeralPortsError ? cause : undefined;
    super(
      first?.code ?? ErrorCodes.COMMAND_FAILED,
      `cannot read the ${protocol.toUpperCase()} dynamic port range: ` +
        attempts
          .map((a) => `${a.source}: ${a.code}${a.winCode ? ` (${a.winCode})` : ''}: ${a.message.split('\n')[0]}`)
          .join('; '),
      {
        ...(firstError?.errno !== undefined && { errno: firstError.errno }),
        ...(firstError?.winCode !== undefined && { winCode: firstError.winCode }),
        ...(firstError?.syscall !== undefined && { syscall: firstError.syscall }),
        remedy:
          'on Windows, run netsh int ipv4 show dynamicport tcp by hand; under Wine neither netsh show dynamicport ' +
          'nor WMI MSFT_NetTCPSetting is implemented',
        cause,
      },
    );
    this.attempts = Object.freeze(attempts);
  }
}

export const wmiSource = (protocol: Protocol) =>
  `wmi:root/StandardCimv2/${protocol === 'udp' ? 'MSFT_NetUDPSetting' : 'MSFT_NetTCPSetting'}`;
export const NETSH_SOURCE = 'spawn:netsh';

/** `show dynamicport`; the active store is netsh's default for `show`, so only `persistent` is named. */
export const showDynamicPortArgs = (family: IpFamily, protocol: Protocol, store: NetshStore = 'active'): string[] => [
  'int',
  family,
  'show',
  'dynamicport',
  protocol,
  ...(store === 'persistent' ? ['store=persistent'] : []),
];

function attemptOf(source: string, error: unknown): ReadAttempt {
  const e = error as { code?: unknown; winCode?: unknown; message?: unknown };
  return {
    source,
    code: typeof e.code === 'string' ? e.code : ErrorCodes.INTERNAL,
    ...(typeof e.winCode === 'string' && { winCode: e.winCode }),
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

/** One family from one store. */
export async function readNetshDynamicPort(
  netsh: NetshRunner,
  family: IpFamily,
  protocol: Protocol,
  store: NetshStore = 'active',
): Promise<FamilyRange> {
  const args = showDynamicPortArgs(family, protocol, store);
  const result = await netsh(args);
  if (result.status !== 0) throw commandFailed(args, result);
  const parsed = parseDynamicPortOutput(result.stdout);
  return { range: parsed.range, start: parsed.start, count: parsed.count };
}

/** Both families from one store (both must answer), one netsh after the other. */
export async function readFamilies(netsh: NetshRunner, protocol: Protocol, store: NetshStore = 'active'): Promise<FamilyRanges> {
  const ipv4 = await readNetshDynamicPort(netsh, 'ipv4', protocol, store);
  const ipv6 = await readNetshDynamicPort(netsh, 'ipv6', protocol, store);
  return { ipv4, ipv6 };
}

export const familiesAgree = (f: FamilyRanges): boolean => f.ipv4.start === f.ipv6.start && f.ipv4.count === f.ipv6.count;

/** The warning for families that hold different ranges, or none. */
export function familyWarnings(protocol: Protocol, f: FamilyRanges, store: NetshStore = 'active'): Diagnostic[] {
  if (familiesAgree(f)) return [];
  return [
    {
      code: 'FAMILIES_DISAGREE',
      severity: 'warning',
      message:
        `the ${store} ${protocol.toUpperCase()} dynamic port range differs between IPv4 (${formatRange(f.ipv4.range)}) ` +
        `and IPv6 (${formatRange(f.ipv6.range)}); IPv4's is reported. Setting the range sets both.`,
    },
  ];
}

export async function readDynamicRange(
  protocol: Protocol,
  native: Win32NativeBinding | undefined,
  nativeMissingReason: string | undefined,
  netsh: NetshRunner,
): Promise<RangeReading> {
  const attempts: ReadAttempt[] = [];
  let netshError: unknown;

  try {
    const families = await readFamilies(netsh, protocol);
    const { ipv4 } = families;
    return {
      range: ipv4.range,
      protocol,
      source: NETSH_SOURCE,
      warnings: familyWarnings(protocol, families),
      details: {
        start: ipv4.start,
        count: ipv4.count,
        families: { ipv4: { start: ipv4.start, count: ipv4.count }, ipv6: { start: families.ipv6.start, count: families.ipv6.count } },
        familiesAgree: familiesAgree(families),
        attempts,
      },
    };
  } catch (error) {
    netshError = toWin32Error(error);
    attempts.push(attemptOf(NETSH_SOURCE, netshError));
  }

  const wmi = wmiSource(protocol);
  if (!native) {
    attempts.push({ source: wmi, code: ErrorCodes.BACKEND_LOAD_FAILED, message: nativeMissingReason ?? 'no addon' });
    throw new RangeReadError(protocol, attempts, netshError);
  }
  try {
    const instances = await native.queryDynamicPortRange(protocol);
    const first = instances[0]!; // the addon rejects with WBEM_E_NOT_FOUND when there is no instance
    const range = fromWindowsStartCount(first);
    // All templates (Internet, Datacenter, ...) are documented to report the same global range; say so if not.
    const disagree = instances.filter((i) => i.start !== first.start || i.count !== first.count);
    const warnings: Diagnostic[] = [
      {
        code: 'FAMILIES_NOT_READ',
        severity: 'warning',
        message: `netsh did not answer, so ${wmi} was read: it has no address family, so whether IPv4 and IPv6 agree is unknown`,
      },
    ];
    return {
      range,
      protocol,
      source: wmi,
      warnings,
      details: {
        start: first.start,
        count: first.count,
        settings: instances.map((i) => i.settingName),
        ...(disagree.length > 0 && { disagreeingSettings: disagree }),
        attempts,
      },
    };
  } catch (error) {
    attempts.push(attemptOf(wmi, toWin32Error(error)));
  }
  throw new RangeReadError(protocol, attempts, netshError);
}
