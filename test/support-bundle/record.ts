/**
 * Records support bundles through the real backends: Linux on the real kernel, FreeBSD / macOS / AIX / Windows
 * through the repository's doubles of those OSes (each double cites the OS documentation it encodes: test/bsd,
 * test/aix/double, test/windows/doubles). The tests replay what these record; `EP_WRITE_BUNDLE_FIXTURES=1` also
 * writes them to fixtures/ (how the committed fixtures were made).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAixBackend } from '@ephemeral-ports/aix';
import { type BsdOs, createBackend as createBsdBackend } from '@ephemeral-ports/bsd';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { createWin32Backend } from '@ephemeral-ports/win32';
import { type SupportBundle, collectSupportBundle, formatSupportBundle } from 'ephemeral-ports/diagnostics';
import { createFakeSysctl } from '../bsd/fake-sysctl.js';
import { FIRST, LAST, loadEmulatedAddon } from '../bsd/emulated-addon.js';
import { createNoDouble } from '../aix/double/no-double.js';
import { createEmulatedAddon } from '../windows/doubles/emulated-addon.js';
import { type DoubleState, initialState, netsh, readState, writeState } from '../windows/doubles/netsh-double.mjs';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function maybeWriteFixture(name: string, bundle: SupportBundle): void {
  if (process.env.EP_WRITE_BUNDLE_FIXTURES === '1') writeFileSync(join(FIXTURES, name), formatSupportBundle(bundle));
}

/** Linux, real kernel: the namespace at `netns` (its range and reserved ports set by the caller). */
export function recordLinux(netns: string): Promise<SupportBundle> {
  return collectSupportBundle({ netns, createBackend: (capture) => createLinuxBackend({ capture }) });
}

const P = 'net.inet.ip.portrange.';

/** FreeBSD or macOS through the fake sysctl(8) (sh + awk keeping kernel state), with a non-default range. */
export async function recordBsd(os: BsdOs): Promise<SupportBundle> {
  const fake = createFakeSysctl(os);
  const dir = mkdtempSync(join(tmpdir(), `bundle-${os}-`));
  try {
    fake.update((s) => {
      s.values[`${P}first`] = 20000;
      s.values[`${P}last`] = 60000;
    });
    return await collectSupportBundle({
      createBackend: (capture) =>
        createBsdBackend({ os, addon: null, sysctlPath: fake.path, persistFile: join(dir, 'boot.conf'), capture }),
    });
  } finally {
    fake.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * FreeBSD or macOS through the addon: the shipped native/bsd code built against the sysctlbyname() double
 * (test/bsd/double), so the bundle holds the integers sysctlbyname() returned.
 */
export async function recordBsdAddon(os: BsdOs): Promise<SupportBundle> {
  const addon = loadEmulatedAddon();
  addon.double.reset(os);
  addon.double.poke(FIRST, 30000);
  addon.double.poke(LAST, 50000);
  const dir = mkdtempSync(join(tmpdir(), `bundle-${os}-addon-`));
  try {
    return await collectSupportBundle({
      createBackend: (capture) => createBsdBackend({ os, addon, persistFile: join(dir, 'boot.conf'), capture }),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** AIX through the `no` double, with TCP moved off its defaults and a different next-boot value. */
export async function recordAix(): Promise<SupportBundle> {
  const no = createNoDouble({
    tunables: {
      tcp_ephemeral_low: { current: 40000, reboot: 41000 },
      tcp_ephemeral_high: { current: 50000, reboot: 51000 },
    },
  });
  try {
    return await collectSupportBundle({ createBackend: (capture) => createAixBackend({ noPath: no.path, capture }) });
  } finally {
    no.cleanup();
  }
}

/**
 * Windows through the netsh double (in process, German output, CRLF) and the emulated addon: IPv4 and IPv6 hold
 * different TCP ranges, and both families list excluded ranges (a reservation of both, a system block of one).
 * `silent`: netsh prints nothing (as Wine's stub does), so the range comes from WMI.
 */
export async function recordWin32(overrides: Partial<DoubleState> = {}): Promise<SupportBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-win32-'));
  const file = join(dir, 'state.json');
  const state = initialState({ language: 'de', ...overrides });
  state.active.ipv4.tcp = { start: 20000, count: 10000 };
  state.active.ipv6.tcp = { start: 49152, count: 16384 };
  state.excluded.tcp = [[50000, 50059, true]];
  state.systemExcluded.ipv6.tcp = [[2869, 2869, false]];
  writeState(file, state);
  try {
    return await collectSupportBundle({
      createBackend: (capture) =>
        createWin32Backend({
          native: createEmulatedAddon(file, { wmi: true }),
          netshRunner: async (args) => {
            const s = readState(file);
            const { out, code } = netsh(s, [...args]);
            writeState(file, s);
            return { stdout: out, stderr: '', status: code };
          },
          release: '10.0.19045',
          capture,
        }),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
