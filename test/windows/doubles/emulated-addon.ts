/**
 * An EMULATED Windows addon for tests on Linux: the same surface as native/win32, over the netsh double's state
 * file, so that reservations made "through iphlpapi" show up in `netsh show excludedportrange` as on Windows.
 * Errors have the addon's shape (code = Windows error name, errno, syscall).
 */
import type { NativeSocketRow, NativeWmiSetting, Win32NativeBinding } from '@ephemeral-ports/win32';
import {
  type DoubleState,
  createReservation,
  deleteReservation,
  lookupReservation,
  readState,
  writeState,
} from './netsh-double.mjs';

const CODES: Record<string, number> = {
  ERROR_ACCESS_DENIED: 5,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_SHARING_VIOLATION: 32,
  ERROR_NOT_FOUND: 1168,
  WBEM_E_INVALID_NAMESPACE: 0x8004100e,
};

export function addonError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${syscall} failed: ${code} (${CODES[code] ?? 0})`), {
    code,
    errno: CODES[code] ?? 0,
    syscall,
  });
}

export interface EmulatedAddonOptions {
  /**
   * true: WMI answers (Windows 8+); false: WBEM_E_INVALID_NAMESPACE (Wine). MSFT_NetTCPSetting has no address
   * family and Microsoft does not say which store it shows: the emulation answers with IPv4's active values.
   */
  wmi: boolean;
  tcp4?: NativeSocketRow[];
  udp4?: NativeSocketRow[];
  tcp6?: NativeSocketRow[];
  udp6?: NativeSocketRow[];
}

export function createEmulatedAddon(stateFile: string, options: EmulatedAddonOptions): Win32NativeBinding {
  const withState = <T>(fn: (s: DoubleState) => T): T => {
    const state = readState(stateFile);
    const out = fn(state);
    writeState(stateFile, state);
    return out;
  };
  const name = (verb: string, p: string) => `${verb}Persistent${p === 'udp' ? 'Udp' : 'Tcp'}PortReservation`;
  return {
    tcpTable: (family) => (family === 4 ? (options.tcp4 ?? []) : (options.tcp6 ?? [])),
    udpTable: (family) => (family === 4 ? (options.udp4 ?? []) : (options.udp6 ?? [])),
    async queryDynamicPortRange(protocol): Promise<NativeWmiSetting[]> {
      if (!options.wmi) throw addonError('WBEM_E_INVALID_NAMESPACE', 'IWbemLocator::ConnectServer(ROOT\\StandardCimv2)');
      const r = readState(stateFile).active.ipv4[protocol];
      return ['Internet', 'Datacenter', 'Compat'].map((settingName) => ({ settingName, ...r }));
    },
    createPortReservation: (protocol, start, count) =>
      withState((s) => {
        const [err, token] = createReservation(s, protocol, start, count);
        if (err) throw addonError(err, name('Create', protocol));
        return token;
      }),
    lookupPortReservation: (protocol, start, count) => withState((s) => lookupReservation(s, protocol, start, count)),
    deletePortReservation: (protocol, start, count) =>
      withState((s) => {
        const err = deleteReservation(s, protocol, start, count);
        if (err) throw addonError(err, name('Delete', protocol));
      }),
    isElevated: () => readState(stateFile).elevated,
  };
}
