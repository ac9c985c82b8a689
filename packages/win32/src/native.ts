/**
 * The addon's typed surface (native/win32/*.cc) and its loader. The addon is found with node-gyp-build: the
 * prebuild in `prebuilds/win32-x64/` (`npm run prebuild`, zig), or `build/Release` after a node-gyp + MSVC build.
 * Without it the backend still reads and sets ranges through netsh, but has no WMI read, no census and no
 * reservation calls; `info().fallbackReason` says why.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EphemeralPortsError, ErrorCodes, type Protocol } from '@ephemeral-ports/core';

/** One row of GetExtendedTcpTable / GetExtendedUdpTable (ports already in host byte order). */
export interface NativeSocketRow {
  /** MIB_TCP_STATE (1 CLOSED … 12 DELETE_TCB); 0 for UDP rows. */
  state: number;
  localAddress: string;
  localPort: number;
  /** Empty for UDP rows (the UDP tables have no remote end). */
  remoteAddress: string;
  remotePort: number;
  /** Owning process id; 0 when unknown (always 0 under Wine 8). */
  pid: number;
}

/** One MSFT_NetTCPSetting / MSFT_NetUDPSetting instance. */
export interface NativeWmiSetting {
  settingName: string;
  start: number;
  count: number;
}

/**
 * Exports of `ephemeral_ports_win32.napi.node`. Failures throw (or reject with) an Error carrying `code` (Windows
 * error name), `errno` (Win32 code or HRESULT) and `syscall`; `toWin32Error` converts it.
 */
export interface Win32NativeBinding {
  tcpTable(family: 4 | 6): NativeSocketRow[];
  udpTable(family: 4 | 6): NativeSocketRow[];
  /** Every instance of the WMI class of `protocol` in root/StandardCimv2. */
  queryDynamicPortRange(protocol: Protocol): Promise<NativeWmiSetting[]>;
  /** CreatePersistent{Tcp,Udp}PortReservation; returns the reservation token. */
  createPortReservation(protocol: Protocol, start: number, count: number): bigint;
  /** LookupPersistent{Tcp,Udp}PortReservation; null when no reservation has exactly this start and count. */
  lookupPortReservation(protocol: Protocol, start: number, count: number): bigint | null;
  /** DeletePersistent{Tcp,Udp}PortReservation. */
  deletePortReservation(protocol: Protocol, start: number, count: number): void;
  /** Whether the process token is elevated (netsh `set` needs it). */
  isElevated(): boolean;
}

export type NativeLoadResult =
  | { binding: Win32NativeBinding; fallbackReason?: undefined }
  | { binding?: undefined; fallbackReason: string };

const FUNCTIONS: readonly (keyof Win32NativeBinding)[] = [
  'tcpTable',
  'udpTable',
  'queryDynamicPortRange',
  'createPortReservation',
  'lookupPortReservation',
  'deletePortReservation',
  'isElevated',
];

export function isWin32Binding(value: unknown): value is Win32NativeBinding {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return FUNCTIONS.every((name) => typeof v[name] === 'function');
}

/** `src/` and `dist/` both sit directly under the package root, where binding.gyp and prebuilds/ are. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

let cached: NativeLoadResult | undefined;

/** The `<platform>-<arch>` folders of this package's prebuilds/ (what the installed package ships). */
function shippedPrebuilds(): string[] {
  try {
    return readdirSync(`${PACKAGE_ROOT}/prebuilds`).sort();
  } catch {
    return [];
  }
}

/**
 * `ERR_EPHEMERAL_NO_BINARY` for an operation only the addon can do (reservations, socket tables, elevation): names
 * this platform, the prebuilds the package ships, why none loaded, and how to build one from source.
 */
export function noBinaryError(what: string, reason: string): EphemeralPortsError {
  const shipped = shippedPrebuilds();
  return new EphemeralPortsError(
    ErrorCodes.NO_BINARY,
    `${what} needs the @ephemeral-ports/win32 addon, and none loads on ${process.platform}-${process.arch} ` +
      `(prebuilds shipped: ${shipped.join(', ') || 'none'}): ${reason}`,
    {
      remedy:
        'On another platform than the prebuilds, build it from the shipped sources: ' +
        '`npm install @ephemeral-ports/win32 --build-from-source` with node-gyp, Python and Visual Studio\'s "Desktop development with C++" tools.',
    },
  );
}

/** Loads the addon once per process; never throws. */
export function loadNativeBinding(): NativeLoadResult {
  if (cached) return cached;
  if (process.platform !== 'win32') {
    cached = { fallbackReason: `the Windows addon cannot load on ${process.platform}` };
    return cached;
  }
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;
    const binding = load(PACKAGE_ROOT);
    cached = isWin32Binding(binding)
      ? { binding }
      : { fallbackReason: `the addon in ${PACKAGE_ROOT} lacks the expected functions` };
  } catch (error) {
    cached = { fallbackReason: `native addon not loaded: ${String((error as Error).message).split('\n')[0]}` };
  }
  return cached;
}
