/**
 * Reading a dynamic port range, through a chain of documented routes (platform-facts §8.6):
 *   1. WMI root/StandardCimv2 MSFT_NetTCPSetting / MSFT_NetUDPSetting (from the addon, no process spawned);
 *   2. `netsh int ipv4 show dynamicport tcp|udp`, parsed by position.
 * Every attempt is recorded; a reading says which route answered and why the earlier ones did not, and when none
 * answers the error lists them all (Wine has neither the WMI class nor a working netsh). The undocumented
 * iphlpapi!Internal*DynamicPortRange exports are never called.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  type Protocol,
  type RangeReading,
} from '@ephemeral-ports/core';
import type { Win32NativeBinding } from './native.js';
import { parseDynamicPortOutput } from './netsh-dynamicport.js';
import { type NetshRunner, commandFailed } from './netsh.js';
import { fromWindowsStartCount } from './start-count.js';
import { toWin32Error } from './win-error.js';

export type NetshStore = 'active' | 'persistent';

/** One step of the chain that did not answer. */
export interface ReadAttempt {
  source: string;
  /** The error's code: an errno name or an ERR_EPHEMERAL_* code. */
  code: string;
  /** The Windows name of the failure, when Windows reported one. */
  winCode?: string;
  message: string;
}

/** No route answered. `attempts` lists them in order; `code`, `errno`, `winCode` and `syscall` are the last one's. */
export class RangeReadError extends EphemeralPortsError {
  readonly attempts: readonly ReadAttempt[];
  constructor(protocol: Protocol, attempts: ReadAttempt[], cause: unknown) {
    const last = attempts[attempts.length - 1];
    const lastError = cause instanceof EphemeralPortsError ? cause : undefined;
    super(
      last?.code ?? ErrorCodes.COMMAND_FAILED,
      `cannot read the ${protocol.toUpperCase()} dynamic port range: ` +
        attempts
          .map((a) => `${a.source}: ${a.code}${a.winCode ? ` (${a.winCode})` : ''}: ${a.message.split('\n')[0]}`)
          .join('; '),
      {
        ...(lastError?.errno !== undefined && { errno: lastError.errno }),
        ...(lastError?.winCode !== undefined && { winCode: lastError.winCode }),
        ...(lastError?.syscall !== undefined && { syscall: lastError.syscall }),
        remedy:
          'on Windows, run netsh int ipv4 show dynamicport tcp by hand; under Wine neither WMI ' +
          'MSFT_NetTCPSetting nor netsh show dynamicport is implemented',
        cause,
      },
    );
    this.attempts = Object.freeze(attempts);
  }
}

export const wmiSource = (protocol: Protocol) =>
  `wmi:root/StandardCimv2/${protocol === 'udp' ? 'MSFT_NetUDPSetting' : 'MSFT_NetTCPSetting'}`;
export const NETSH_SOURCE = 'spawn:netsh';

export const showDynamicPortArgs = (protocol: Protocol, store?: NetshStore): string[] => [
  'int',
  'ipv4',
  'show',
  'dynamicport',
  protocol,
  ...(store ? [`store=${store}`] : []),
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

/** netsh alone (also the read-back of a persistent store). */
export async function readNetshDynamicPort(
  netsh: NetshRunner,
  protocol: Protocol,
  store?: NetshStore,
): Promise<{ range: PortRange; start: number; count: number }> {
  const args = showDynamicPortArgs(protocol, store);
  const result = await netsh(args);
  if (result.status !== 0) throw commandFailed(args, result);
  const parsed = parseDynamicPortOutput(result.stdout);
  return { range: parsed.range, start: parsed.start, count: parsed.count };
}

export async function readDynamicRange(
  protocol: Protocol,
  native: Win32NativeBinding | undefined,
  nativeMissingReason: string | undefined,
  netsh: NetshRunner,
): Promise<RangeReading> {
  const attempts: ReadAttempt[] = [];
  let lastError: unknown;

  const wmi = wmiSource(protocol);
  if (native) {
    try {
      const instances = await native.queryDynamicPortRange(protocol);
      const first = instances[0]!; // the addon rejects with WBEM_E_NOT_FOUND when there is no instance
      const range = fromWindowsStartCount(first);
      // All templates (Internet, Datacenter, ...) are documented to report the same global range; say so if not.
      const disagree = instances.filter((i) => i.start !== first.start || i.count !== first.count);
      return {
        range,
        protocol,
        source: wmi,
        details: {
          start: first.start,
          count: first.count,
          settings: instances.map((i) => i.settingName),
          ...(disagree.length > 0 && { disagreeingSettings: disagree }),
          attempts,
        },
      };
    } catch (error) {
      lastError = toWin32Error(error);
      attempts.push(attemptOf(wmi, lastError));
    }
  } else {
    attempts.push({ source: wmi, code: ErrorCodes.BACKEND_LOAD_FAILED, message: nativeMissingReason ?? 'no addon' });
  }

  try {
    const { range, start, count } = await readNetshDynamicPort(netsh, protocol);
    return { range, protocol, source: NETSH_SOURCE, details: { start, count, attempts } };
  } catch (error) {
    lastError = toWin32Error(error);
    attempts.push(attemptOf(NETSH_SOURCE, lastError));
  }
  throw new RangeReadError(protocol, attempts, lastError);
}
