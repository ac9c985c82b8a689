/**
 * A bundle as a backend fixture: the OS's real backend, with its one I/O point answered from the bundle's raw
 * records instead of the OS (the procfs texts, the sysctl / no / netsh outputs, the addon's values). Reading the
 * range through it must give what the bundle says was read: the whole path from raw text to reading, not just
 * the parser, runs on the reporter's machine's output.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EphemeralPortsBackend, RawCall, RawCommandRun, RawFileRead, RawRecord } from '@ephemeral-ports/core';
import { createAixBackend } from '@ephemeral-ports/aix';
import { type BsdOs, type BsdSysctlAddon, createBackend as createBsdBackend } from '@ephemeral-ports/bsd';
// The procfs I/O seam is not part of the package's API: reached by path, as the Windows doubles reach theirs.
import { createProcfsBackend } from '../../packages/linux/src/backend.js';
import type { ProcfsIo } from '../../packages/linux/src/procfs-io.js';
import { parseRangeText, type KnobName } from '@ephemeral-ports/linux';
import { type Win32NativeBinding, createWin32Backend } from '@ephemeral-ports/win32';
import type { SupportBundle } from 'ephemeral-ports/diagnostics';

export interface ReplayedBackend {
  backend: EphemeralPortsBackend;
  cleanup(): void;
}

const notRecorded = (what: string) => Object.assign(new Error(`the bundle holds no record of ${what}`), { code: 'ENOENT' });
const refuseWrite = () => {
  throw Object.assign(new Error('a replayed bundle is read-only'), { code: 'EROFS' });
};

/** The first record of each kind that `match` accepts (every read of a report sees the same state). */
function find<K extends RawRecord['kind']>(raw: RawRecord[], kind: K, match: (r: Extract<RawRecord, { kind: K }>) => boolean) {
  return raw.find((r): r is Extract<RawRecord, { kind: K }> => r.kind === kind && match(r as Extract<RawRecord, { kind: K }>));
}

function linux(raw: RawRecord[]): ReplayedBackend {
  const read = (knob: KnobName): string => {
    const r = find(raw, 'file', (f: RawFileRead) => f.path.endsWith(`/${knob}`));
    if (!r) throw notRecorded(knob);
    if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.text!;
  };
  const io: ProcfsIo = {
    source: 'replay:procfs',
    read,
    readPortRange: () => parseRangeText(read('ip_local_port_range')),
    readRangeAndReserved: () => ({ range: parseRangeText(read('ip_local_port_range')), reservedText: read('ip_local_reserved_ports') }),
    exchange: refuseWrite,
  };
  return { backend: createProcfsBackend(io), cleanup: () => undefined };
}

const answer = (r: RawCommandRun | undefined, what: string) => {
  if (!r) throw notRecorded(what);
  return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
};

function bsd(os: BsdOs, raw: RawRecord[]): ReplayedBackend {
  const call = (names: readonly string[]) => find(raw, 'call', (c: RawCall) => c.api === 'sysctlbyname' && isDeepStrictEqual(c.args, [...names]));
  const viaAddon = raw.some((r) => r.kind === 'call');
  const addon: BsdSysctlAddon = {
    kernel: 'replay',
    readInts: (names) => {
      const c = call(names);
      if (!c || c.error) throw Object.assign(new Error(c?.error?.message ?? 'not recorded'), { code: c?.error?.code ?? 'ENOENT' });
      return c.result as number[];
    },
    readInt: (name) => addon.readInts([name])[0]!,
    writeInt: refuseWrite,
  };
  const dir = mkdtempSync(join(tmpdir(), 'bundle-replay-'));
  const backend = createBsdBackend({
    os,
    addon: viaAddon ? addon : null,
    persistFile: join(dir, 'none'),
    ...(!viaAddon && {
      sysctlPath: find(raw, 'command', () => true)?.file ?? '/sbin/sysctl',
      run: async (_file: string, args: readonly string[]) =>
        answer(find(raw, 'command', (c: RawCommandRun) => isDeepStrictEqual(c.args, [...args])), args.join(' ')),
    }),
  });
  return { backend, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** AIX runs `no` by path: a small program that prints the recorded answer to the same arguments. */
function aix(raw: RawRecord[]): ReplayedBackend {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-replay-no-'));
  const runs = raw.filter((r): r is RawCommandRun => r.kind === 'command');
  writeFileSync(join(dir, 'runs.json'), JSON.stringify(runs));
  const path = join(dir, 'no');
  writeFileSync(
    path,
    `#!${process.execPath}\nconst runs = require(${JSON.stringify(join(dir, 'runs.json'))});\n` +
      `const r = runs.find((x) => JSON.stringify(x.args) === JSON.stringify(process.argv.slice(2)));\n` +
      `if (!r) { process.stderr.write('not recorded\\n'); process.exit(1); }\n` +
      `process.stdout.write(r.stdout); process.stderr.write(r.stderr); process.exitCode = r.exitCode ?? 1;\n`,
  );
  chmodSync(path, 0o755);
  return { backend: createAixBackend({ noPath: path }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function win32(raw: RawRecord[]): ReplayedBackend {
  const wmi = (protocol: string) => find(raw, 'call', (c: RawCall) => c.api.startsWith('wmi:') && c.args[0] === protocol);
  const native: Win32NativeBinding = {
    tcpTable: () => [],
    udpTable: () => [],
    async queryDynamicPortRange(protocol) {
      const c = wmi(protocol);
      if (!c || c.error) throw Object.assign(new Error(c?.error?.message ?? 'not recorded'), { code: c?.error?.code ?? 'ENOENT' });
      return c.result as Awaited<ReturnType<Win32NativeBinding['queryDynamicPortRange']>>;
    },
    createPortReservation: refuseWrite,
    lookupPortReservation: () => null,
    deletePortReservation: refuseWrite,
    isElevated: () => false,
  };
  const backend = createWin32Backend({
    native,
    netshRunner: async (args) => {
      const r = answer(find(raw, 'command', (c: RawCommandRun) => isDeepStrictEqual(c.args, [...args])), args.join(' '));
      return { stdout: r.stdout, stderr: r.stderr, status: r.exitCode };
    },
  });
  return { backend, cleanup: () => undefined };
}

export function backendFromBundle(bundle: SupportBundle): ReplayedBackend {
  const os = (bundle.backend as { value?: { os?: string } }).value?.os;
  if (os === 'linux') return linux(bundle.raw);
  if (os === 'freebsd' || os === 'darwin') return bsd(os, bundle.raw);
  if (os === 'aix') return aix(bundle.raw);
  if (os === 'win32') return win32(bundle.raw);
  throw new Error(`no replay backend for ${String(os)}`);
}
