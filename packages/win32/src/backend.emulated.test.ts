/**
 * The Windows backend on Linux against an EMULATED Windows: the netsh double (documented rules, localized
 * output) and an emulated addon over the same state. Most tests run the double in-process (`netshRunner`);
 * those marked "(spawned)" run it as a child process through the real execFile path. The real addon and real
 * iphlpapi are tested under Wine (test/windows/, `npm run test:windows`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortSet, isEphemeralPortsError } from '@ephemeral-ports/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as vitest from 'vitest';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { type EmulatedAddonOptions, createEmulatedAddon } from '../../../test/windows/doubles/emulated-addon.js';
import {
  type DoubleState,
  initialState,
  netsh as runDouble,
  readState,
  sameEverywhere,
  writeState,
} from '../../../test/windows/doubles/netsh-double.mjs';
import { powershell as runPowerShellDouble } from '../../../test/windows/doubles/powershell-double.mjs';
import { type Win32Backend, createWin32Backend } from './backend.js';
import { POWERSHELL_ARGS } from './powershell.js';
import { RangeReadError } from './dynamic-range.js';

const DOUBLE = fileURLToPath(new URL('../../../test/windows/doubles/netsh-double.mjs', import.meta.url));
const PS_DOUBLE = fileURLToPath(new URL('../../../test/windows/doubles/powershell-double.mjs', import.meta.url));

interface Emulated {
  backend: Win32Backend;
  file: string;
  state: () => DoubleState;
  patch: (p: Partial<DoubleState>) => void;
  cleanup: () => void;
}

function emulate(
  state: Partial<DoubleState> = {},
  addon: EmulatedAddonOptions | null = { wmi: false },
  spawned = false,
): Emulated {
  const dir = mkdtempSync(join(tmpdir(), 'ep-win32-'));
  const file = join(dir, 'netsh-state.json');
  writeState(file, initialState(state));
  const inProcess = async (args: readonly string[]) => {
    const s = readState(file);
    const { out, code } = runDouble(s, [...args]);
    writeState(file, s);
    return { stdout: out, stderr: '', status: code };
  };
  const psInProcess = async (script: string) => {
    const s = readState(file);
    const { out, err, code } = runPowerShellDouble(s, [...POWERSHELL_ARGS, script]);
    writeState(file, s);
    return { stdout: out, stderr: err, status: code, timedOut: false };
  };
  const backend = createWin32Backend({
    native: addon ? createEmulatedAddon(file, addon) : null,
    ...(spawned
      ? {
          netsh: { command: process.execPath, args: [DOUBLE, '--state', file] },
          powershell: { command: process.execPath, args: [PS_DOUBLE, '--state', file] },
        }
      : { netshRunner: inProcess, powershellRunner: psInProcess }),
    release: '10.0.19045',
  });
  return {
    backend,
    file,
    state: () => readState(file),
    patch: (p) => writeState(file, { ...readState(file), ...p }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isEphemeralPortsError(e) ? e.code : `not ours: ${String(e)}`),
  );

describeBackendContract('win32 (emulated: netsh double in Japanese, WMI missing as under Wine)', async () => {
  const e = emulate({ language: 'ja' });
  return {
    backend: e.backend,
    oracle: (protocol) => {
      const s = e.state();
      const [v4, v6] = [s.active.ipv4[protocol], s.active.ipv6[protocol]];
      expect(v6).toEqual(v4); // a set covers both families
      return { low: v4.start, high: v4.start + v4.count - 1 };
    },
    cleanup: e.cleanup,
  };
}, vitest);

describe('win32 backend (emulated)', () => {
  let e: Emulated;
  afterEach(() => e?.cleanup());

  describe('reading the range: both families, then WMI', () => {
    it('reads IPv4 and IPv6 through netsh, says they agree, and does not need WMI', async () => {
      e = emulate({}, { wmi: true });
      const r = await e.backend.getRange({ protocol: 'udp' });
      expect(r).toMatchObject({ range: { low: 49152, high: 65535 }, protocol: 'udp', source: 'spawn:netsh' });
      expect(r.details).toMatchObject({
        start: 49152,
        count: 16384,
        families: { ipv4: { start: 49152, count: 16384 }, ipv6: { start: 49152, count: 16384 } },
        familiesAgree: true,
        attempts: [],
      });
      expect(r.warnings).toEqual([]);
      expect(e.state().calls).toEqual([
        ['int', 'ipv4', 'show', 'dynamicport', 'udp'],
        ['int', 'ipv6', 'show', 'dynamicport', 'udp'],
      ]);
    });

    it('reports families that disagree (IPv4 given, FAMILIES_DISAGREE warning) (spawned)', async () => {
      const state = initialState({ language: 'de' });
      state.active.ipv6.tcp = { start: 10000, count: 1000 };
      e = emulate(state, { wmi: false }, true);
      const r = await e.backend.getRange();
      expect(r.range).toEqual({ low: 49152, high: 65535 });
      expect(r.details).toMatchObject({
        familiesAgree: false,
        families: { ipv4: { start: 49152, count: 16384 }, ipv6: { start: 10000, count: 1000 } },
      });
      expect(r.warnings).toEqual([
        expect.objectContaining({ code: 'FAMILIES_DISAGREE', message: expect.stringMatching(/IPv6 \(10000-10999\)/) }),
      ]);
    });

    it('falls back to WMI when netsh prints nothing, and says WMI cannot tell the families apart', async () => {
      e = emulate({ silent: true }, { wmi: true });
      const r = await e.backend.getRange({ protocol: 'udp' });
      expect(r.source).toBe('wmi:root/StandardCimv2/MSFT_NetUDPSetting');
      expect(r.details).toMatchObject({
        settings: ['Internet', 'Datacenter', 'Compat'],
        attempts: [{ source: 'spawn:netsh', code: 'ERR_EPHEMERAL_PARSE' }],
      });
      expect(r.warnings).toEqual([expect.objectContaining({ code: 'FAMILIES_NOT_READ' })]);
    });

    it('fails honestly when neither answers (Wine: netsh prints nothing, no WMI class)', async () => {
      e = emulate({ silent: true });
      const error = await e.backend.getRange().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(error).toBeInstanceOf(RangeReadError);
      const r = error as RangeReadError;
      expect(r.code).toBe('ERR_EPHEMERAL_PARSE'); // the main route's failure, not the missing fallback's
      expect(r.attempts.map((a) => [a.source, a.code, a.winCode])).toEqual([
        ['spawn:netsh', 'ERR_EPHEMERAL_PARSE', undefined],
        ['wmi:root/StandardCimv2/MSFT_NetTCPSetting', 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', 'WBEM_E_INVALID_NAMESPACE'],
      ]);
      expect(r.message).toMatch(/printed nothing/);
      expect(r.message).toMatch(/ERR_EPHEMERAL_UNSUPPORTED_OPERATION \(WBEM_E_INVALID_NAMESPACE\)/);
    });

    it('without the addon: says so in info() and in the chain', async () => {
      e = emulate({ language: 'zh', silent: true }, null);
      expect(e.backend.info()).toMatchObject({ implementation: 'netsh-only', supportsCensus: false });
      const error = (await e.backend.getRange().catch((x: unknown) => x)) as RangeReadError;
      expect(error.attempts.at(-1)).toEqual(
        expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', message: expect.stringMatching(/native: null/) }),
      );
      expect(await codeOf(e.backend.census())).toBe('ERR_EPHEMERAL_NO_BINARY');
      const noBinary = await e.backend.addExclusion({ low: 50000, high: 50009 }).catch((x: unknown) => x);
      expect(noBinary).toMatchObject({ code: 'ERR_EPHEMERAL_NO_BINARY', remedy: expect.stringMatching(/--build-from-source/) });
      expect((noBinary as Error).message).toMatch(new RegExp(`none loads on ${process.platform}-${process.arch} \\(prebuilds shipped: .+\\): .*native: null`));
    });

    it.each(['en', 'de', 'ja', 'zh'] as const)('parses the %s display language through the backend', async (language) => {
      e = emulate({ language, ...sameEverywhere({ start: 10000, count: 1000 }, { start: 20000, count: 300 }) });
      expect((await e.backend.getRange({ protocol: 'tcp' })).range).toEqual({ low: 10000, high: 10999 });
      expect((await e.backend.getRange({ protocol: 'udp' })).range).toEqual({ low: 20000, high: 20299 });
    });
  });

  describe('setting the range', () => {
    it('sets both families in the active store, keeps the persistent one, and reads both back (spawned)', async () => {
      e = emulate({}, { wmi: false }, true);
      const change = await e.backend.setRange({ low: 40000, high: 40999 }, { protocol: 'udp' });
      expect(change).toMatchObject({ previous: { low: 49152, high: 65535 }, current: { low: 40000, high: 40999 }, warnings: [] });
      const s = e.state();
      expect(s.calls.filter((c) => c[2] === 'set')).toEqual([
        ['int', 'ipv4', 'set', 'dynamicport', 'udp', 'start=40000', 'num=1000', 'store=active'],
        ['int', 'ipv6', 'set', 'dynamicport', 'udp', 'start=40000', 'num=1000', 'store=active'],
      ]);
      for (const f of ['ipv4', 'ipv6'] as const) {
        expect(s.active[f].udp).toEqual({ start: 40000, count: 1000 });
        expect(s.persistent[f].udp).toEqual({ start: 49152, count: 16384 });
        expect(s.active[f].tcp).toEqual({ start: 49152, count: 16384 });
      }
      // the read-back is from the store written: netsh show (active), never WMI
      expect(s.calls.filter((c) => c[2] === 'show')).toHaveLength(4);
    });

    it('works as well when the families are one object (agreeFamilies): both written, both read back', async () => {
      e = emulate({ agreeFamilies: true });
      const change = await e.backend.setRange({ low: 30000, high: 39999 });
      expect(change.current).toEqual({ low: 30000, high: 39999 });
      expect(e.state().active.ipv6.tcp).toEqual({ start: 30000, count: 10000 });
      expect(e.state().calls.filter((c) => c[2] === 'set')).toHaveLength(2);
    });

    it('families that disagreed are both set, and the change says what they held (FAMILIES_DISAGREED)', async () => {
      const state = initialState();
      state.active.ipv6.tcp = { start: 10000, count: 1000 };
      e = emulate(state);
      const change = await e.backend.setRange({ low: 40000, high: 49999 });
      expect(change.warnings).toEqual([expect.objectContaining({ code: 'FAMILIES_DISAGREED' })]);
      expect(e.state().active.ipv6.tcp).toEqual({ start: 40000, count: 10000 });
    });

    it('IPv6 refused after IPv4 was set: IPv4 is restored (ERR_EPHEMERAL_ROLLED_BACK, cause netsh\'s refusal)', async () => {
      e = emulate({ refuseSet: 'ipv6' });
      const error = await e.backend.setRange({ low: 40000, high: 49999 }).catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK', cause: expect.objectContaining({ code: 'ERR_EPHEMERAL_COMMAND_FAILED' }) });
      expect((error as Error).message).toMatch(/previous ranges were restored \(IPv4 49152-65535, IPv6 49152-65535\)/);
      expect(e.state().active.ipv4.tcp).toEqual({ start: 49152, count: 16384 });
      expect(e.state().calls.filter((c) => c[2] === 'set').map((c) => `${c[1]} ${c[5]}`)).toEqual([
        'ipv4 start=40000',
        'ipv6 start=40000',
        'ipv4 start=49152',
      ]);
    });

    it('a successful change from such a range warns that it could not have been restored (PREVIOUS_OUTSIDE_NETSH_LIMITS)', async () => {
      e = emulate(sameEverywhere({ start: 1024, count: 64511 }));
      const change = await e.backend.setRange({ low: 49152, high: 65535 });
      expect(change.previous).toEqual({ low: 1024, high: 65534 });
      expect(change.warnings.map((w) => w.code)).toEqual(['PREVIOUS_OUTSIDE_NETSH_LIMITS', 'PREVIOUS_OUTSIDE_NETSH_LIMITS']);
      expect(change.warnings[0]!.message).toMatch(/written back with Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511/);
    });

    it('validates in core first: bad ranges never reach netsh', async () => {
      e = emulate();
      for (const bad of [
        { low: 1024, high: 2000 },
        { low: 40000, high: 40253 },
        { low: 65000, high: 65536 },
      ]) {
        expect(await codeOf(e.backend.setRange(bad))).toBe('ERR_EPHEMERAL_INVALID_RANGE');
      }
      expect(e.state().calls.filter((c) => c[2] === 'set')).toEqual([]);
    });

    it('accepts the documented edges: start 1025, 255 ports, end 65535', async () => {
      e = emulate();
      await e.backend.setRange({ low: 1025, high: 1279 });
      expect(e.state().active.ipv6.tcp).toEqual({ start: 1025, count: 255 });
      await e.backend.setRange({ low: 65281, high: 65535 });
      expect(e.state().active.ipv4.tcp).toEqual({ start: 65281, count: 255 });
    });

    it('a non-elevated process gets EACCES (winCode ERROR_ELEVATION_REQUIRED) and nothing changes (spawned)', async () => {
      e = emulate({ elevated: false }, { wmi: false }, true);
      const error = await e.backend.setRange({ low: 40000, high: 49999 }).catch((x: unknown) => x);
      expect(error).toMatchObject({
        code: 'EACCES',
        errno: -4092,
        winCode: 'ERROR_ELEVATION_REQUIRED',
        syscall: 'netsh',
        remedy: expect.stringMatching(/elevated/),
      });
      expect(e.state().active.ipv4.tcp).toEqual({ start: 49152, count: 16384 });
    });

    it('a set that netsh accepts but does not apply is ERR_EPHEMERAL_READBACK_MISMATCH', async () => {
      e = emulate({}, { wmi: true });
      // netsh says OK to every set, but the state it shows never moves (as when a policy resets the value).
      const frozen = initialState();
      const backend = createWin32Backend({
        native: createEmulatedAddon(e.file, { wmi: true }),
        netshRunner: async (args) => {
          const r = runDouble(args[2] === 'set' ? initialState() : frozen, [...args]);
          return { stdout: r.out, stderr: '', status: 0 };
        },
      });
      expect(await codeOf(backend.setRange({ low: 40000, high: 49999 }))).toBe('ERR_EPHEMERAL_READBACK_MISMATCH');
    });

    it('persistRange writes store=persistent for both families and verifies that store; getPersisted reads it', async () => {
      e = emulate({ language: 'ja' });
      const dry = await e.backend.persistRange({ low: 30000, high: 39999 }, { protocol: 'udp', dryRun: true });
      expect(dry).toEqual({
        target:
          'netsh int ipv4 set dynamicport udp start=30000 num=10000 store=persistent && ' +
          'netsh int ipv6 set dynamicport udp start=30000 num=10000 store=persistent',
        written: false,
      });
      expect(e.state().persistent.ipv4.udp).toEqual({ start: 49152, count: 16384 });
      const done = await e.backend.persistRange({ low: 30000, high: 39999 }, { protocol: 'udp' });
      expect(done.written).toBe(true);
      for (const f of ['ipv4', 'ipv6'] as const) expect(e.state().persistent[f].udp).toEqual({ start: 30000, count: 10000 });
      expect(e.state().calls.filter((c) => c[2] === 'show').every((c) => c.includes('store=persistent'))).toBe(true);
      expect((await e.backend.getPersisted({ protocol: 'udp' })).range).toEqual({ low: 30000, high: 39999 });
      expect(await codeOf(e.backend.persistRange({ low: 30000, high: 39999 }, { file: 'C:\\x' }))).toBe(
        'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
      );
    });

    it('getPersisted says when the families\' persistent ranges disagree', async () => {
      const state = initialState();
      state.persistent.ipv6.tcp = { start: 20000, count: 1000 };
      e = emulate(state);
      const p = await e.backend.getPersisted();
      expect(p.range).toEqual({ low: 49152, high: 65535 });
      expect(p.target).toMatch(/differs between IPv4 \(49152-65535\) and IPv6 \(20000-20999\)/);
    });
  });

  describe('restoring a range netsh refuses (start=1024, as Hyper-V / Visual Studio installs leave)', () => {
    const FOUND = { start: 1024, count: 64511 }; // 1024-65534
    const netshSets = (s: DoubleState) => s.calls.filter((c) => c[2] === 'set').map((c) => `${c[1]} ${c[4]} ${c[5]} ${c[6]} ${c[7]}`);
    const cmdlets = (s: DoubleState) => s.psCalls.map((c) => /Set-Net\w+Setting[^;]*/.exec(c[3] ?? '')?.[0]);

    it.each([false, true])('a failed set rolls back to start=1024 through Set-NetTCPSetting, verified in the active store (spawned: %s)', async (spawned) => {
      e = emulate({ refuseSet: 'ipv6', ...sameEverywhere(FOUND) }, { wmi: false }, spawned);
      const error = await e.backend.setRange({ low: 49152, high: 65535 }).catch((x: unknown) => x);
      expect(error).toMatchObject({
        code: 'ERR_EPHEMERAL_ROLLED_BACK',
        cause: expect.objectContaining({ code: 'ERR_EPHEMERAL_COMMAND_FAILED' }),
        violations: [expect.objectContaining({ code: 'RESTORED_OUTSIDE_NETSH_LIMITS', severity: 'warning' })],
      });
      expect((error as Error).message).toMatch(/restored \(IPv4 1024-65534, IPv6 1024-65534, ipv4 through Set-NetTCPSetting/);
      const s = e.state();
      for (const f of ['ipv4', 'ipv6'] as const) expect(s.active[f].tcp).toEqual(FOUND);
      // netsh was never asked for start=1024 (it refuses it); the cmdlet was, once, with the numbers found
      expect(netshSets(s)).toEqual(['ipv4 tcp start=49152 num=16384 store=active', 'ipv6 tcp start=49152 num=16384 store=active']);
      expect(cmdlets(s)).toEqual(['Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511']);
      expect(s.psCalls[0]!.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
      // verified by reading the active store back after the cmdlet
      const last = s.calls.slice(-2);
      expect(last).toEqual([
        ['int', 'ipv4', 'show', 'dynamicport', 'tcp'],
        ['int', 'ipv6', 'show', 'dynamicport', 'tcp'],
      ].map((c) => expect.arrayContaining(c)));
    });

    it('UDP in the persistent store: Set-NetUDPSetting, read back with store=persistent', async () => {
      const state = initialState({ refuseSet: 'ipv6' });
      for (const f of ['ipv4', 'ipv6'] as const) state.persistent[f].udp = { start: 1000, count: 3000 };
      e = emulate(state);
      const error = await e.backend.persistRange({ low: 20000, high: 29999 }, { protocol: 'udp' }).catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK', violations: [expect.objectContaining({ code: 'RESTORED_OUTSIDE_NETSH_LIMITS' })] });
      const s = e.state();
      for (const f of ['ipv4', 'ipv6'] as const) expect(s.persistent[f].udp).toEqual({ start: 1000, count: 3000 });
      expect(cmdlets(s)).toEqual(['Set-NetUDPSetting -DynamicPortRangeStartPort 1000 -DynamicPortRangeNumberOfPorts 3000']);
      // after the cmdlet: the persistent store read, then read again (verified), then the active one (did it move?)
      expect(s.calls.slice(-6).map((c) => `${c[1]} ${c[2]} ${c.at(-1)}`)).toEqual([
        'ipv4 show store=persistent',
        'ipv6 show store=persistent',
        'ipv4 show store=persistent',
        'ipv6 show store=persistent',
        'ipv4 show udp',
        'ipv6 show udp',
      ]);
    });

    it('families that disagreed: the cmdlet (no family parameter) moves IPv6 too, and netsh puts IPv6 back', async () => {
      const state = initialState({ refuseSet: 'ipv6' });
      state.active.ipv4.tcp = { ...FOUND };
      e = emulate(state);
      // netsh refuses the first IPv6 set only, so that it can put IPv6 back after the cmdlet moved it
      const backend = createWin32Backend({
        native: null,
        netshRunner: async (args) => {
          const st = e.state();
          const { out, code } = runDouble(st, [...args]);
          if (code !== 0 && args[1] === 'ipv6') st.refuseSet = null;
          writeState(e.file, st);
          return { stdout: out, stderr: '', status: code };
        },
        powershellRunner: async (script) => {
          const st = e.state();
          const { out, err, code } = runPowerShellDouble(st, [...POWERSHELL_ARGS, script]);
          writeState(e.file, st);
          return { stdout: out, stderr: err, status: code, timedOut: false };
        },
      });
      const error = await backend.setRange({ low: 40000, high: 49999 }).catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK' });
      const s = e.state();
      expect(s.active.ipv4.tcp).toEqual(FOUND);
      expect(s.active.ipv6.tcp).toEqual({ start: 49152, count: 16384 });
      expect(netshSets(s).at(-1)).toBe('ipv6 tcp start=49152 num=16384 store=active');
    });

    it('a cmdlet that does not change IPv4 is caught by the read-back: ROLLBACK_FAILED naming the cmdlet', async () => {
      const state = initialState({ refuseSet: 'ipv6', ...sameEverywhere(FOUND) });
      state.powershell.families = ['ipv6'];
      e = emulate(state);
      const error = await e.backend.setRange({ low: 49152, high: 65535 }).catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLBACK_FAILED' });
      expect((error as Error).message).toMatch(/ERR_EPHEMERAL_READBACK_MISMATCH: wrote 1024-65534 for ipv4 to the active store but netsh reads back 49152-65535/);
      expect((error as { remedy: string }).remedy).toContain(
        'Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511 (for ipv4: netsh refuses it, start 1024 is below 1025',
      );
    });

    it('a cmdlet that writes the persistent store only does not count as an active-store restore', async () => {
      const state = initialState({ refuseSet: 'ipv6', ...sameEverywhere(FOUND) });
      state.powershell.stores = ['persistent'];
      e = emulate(state);
      expect(await codeOf(e.backend.setRange({ low: 49152, high: 65535 }))).toBe('ERR_EPHEMERAL_ROLLBACK_FAILED');
    });

    it('says when the cmdlet also changed the other store', async () => {
      const state = initialState({ refuseSet: 'ipv6' });
      for (const f of ['ipv4', 'ipv6'] as const) state.active[f].tcp = { ...FOUND };
      e = emulate(state); // persistent still holds 49152-65535
      const error = (await e.backend.setRange({ low: 49152, high: 60000 }).catch((x: unknown) => x)) as { violations: { message: string }[] };
      expect(error.violations[0]!.message).toMatch(
        /also changed the persistent store \(IPv4 49152-65535, IPv6 49152-65535 before, IPv4 1024-65534, IPv6 1024-65534 now\)/,
      );
    });

    it('without the NetTCPIP module (Windows 7): ROLLBACK_FAILED whose cause chain says ERR_EPHEMERAL_UNSUPPORTED_OPERATION', async () => {
      const state = initialState({ refuseSet: 'ipv6', ...sameEverywhere(FOUND) });
      state.powershell.missing = true;
      e = emulate(state);
      const error = await e.backend.setRange({ low: 49152, high: 65535 }).catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLBACK_FAILED' });
      expect((error as Error).message).toMatch(/ERR_EPHEMERAL_UNSUPPORTED_OPERATION: Set-NetTCPSetting .* failed: The term 'Set-NetTCPSetting' is not recognized/);
    });

    it('restoreRange writes back a state read before, even start=1024, and warns; setRange still refuses it', async () => {
      e = emulate(sameEverywhere(FOUND));
      const found = (await e.backend.getRange()).details!.families as { ipv4: typeof FOUND; ipv6: typeof FOUND };
      await e.backend.setRange({ low: 49152, high: 65535 });
      expect(await codeOf(e.backend.setRange({ low: 1024, high: 65534 }))).toBe('ERR_EPHEMERAL_INVALID_RANGE');
      const change = await e.backend.restoreRange(found);
      expect(change).toMatchObject({ previous: { low: 49152, high: 65535 }, current: { low: 1024, high: 65534 }, source: 'spawn:netsh' });
      expect(change.warnings.map((w) => w.code)).toEqual(['RESTORED_OUTSIDE_NETSH_LIMITS', 'RESTORED_OUTSIDE_NETSH_LIMITS']);
      expect(change.warnings[0]!.message).toMatch(/this tool would not choose such a range itself/);
      expect(e.state().psCalls).toHaveLength(1); // one call: both families hold the same values
      for (const f of ['ipv4', 'ipv6'] as const) expect(e.state().active[f].tcp).toEqual(FOUND);
      // nothing to do the second time: no command runs
      const again = await e.backend.restoreRange(found);
      expect(again.warnings).toEqual([]);
      expect(e.state().psCalls).toHaveLength(1);
    });

    it('restoreRange: a { low, high } range, the persistent store, disagreement kept and reported', async () => {
      e = emulate();
      const change = await e.backend.restoreRange(
        { ipv4: { start: 1025, count: 3976 }, ipv6: { start: 1024, count: 100 } },
        { store: 'persistent', protocol: 'udp' },
      );
      expect(change.warnings.map((w) => w.code)).toEqual(['RESTORED_OUTSIDE_NETSH_LIMITS', 'FAMILIES_DISAGREE']);
      const s = e.state();
      expect(s.persistent.ipv4.udp).toEqual({ start: 1025, count: 3976 });
      expect(s.persistent.ipv6.udp).toEqual({ start: 1024, count: 100 });
      expect(netshSets(s).at(-1)).toBe('ipv4 udp start=1025 num=3976 store=persistent'); // after the cmdlet moved it
      await e.backend.restoreRange({ low: 1024, high: 65535 });
      expect(e.state().active.ipv6.tcp).toEqual({ start: 1024, count: 64512 });
    });

    it('restoreRange refuses what the cmdlets cannot take, before anything runs', async () => {
      e = emulate();
      for (const bad of [
        { ipv4: { start: 0, count: 100 }, ipv6: { start: 1024, count: 100 } },
        { ipv4: { start: 1024, count: 0 }, ipv6: { start: 1024, count: 100 } },
        { ipv4: { start: 65000, count: 1000 }, ipv6: { start: 1024, count: 100 } },
        { ipv4: { start: 1024.5, count: 100 }, ipv6: { start: 1024, count: 100 } },
      ]) {
        expect(await codeOf(e.backend.restoreRange(bad))).toBe('ERR_OUT_OF_RANGE');
      }
      expect(await codeOf(e.backend.restoreRange({ low: 2000, high: 1000 }))).toBe('ERR_INVALID_ARG_VALUE');
      expect(await codeOf(e.backend.restoreRange({ low: 2000, high: 3000 }, { store: 'boot' as 'active' }))).toBe('ERR_INVALID_ARG_VALUE');
      expect(e.state().calls).toEqual([]);
      expect(e.state().psCalls).toEqual([]);
    });
  });

  describe('excluded port ranges', () => {
    const SYSTEM: DoubleState['excluded'] = {
      tcp: [
        [5357, 5357, false],
        [49709, 49808, false],
        [50000, 50059, true],
      ],
      udp: [],
    };

    const BOTH = ['ipv4', 'ipv6'];

    it('getReserved returns kind "excluded" with the administered marker and the families in details (spawned)', async () => {
      e = emulate({ language: 'de', excluded: SYSTEM }, { wmi: false }, true);
      const r = await e.backend.getReserved();
      expect(r.kind).toBe('excluded');
      expect(r.ports.toString()).toBe('5357,49709-49808,50000-50059');
      expect(r.details?.ranges).toEqual([
        { low: 5357, high: 5357, administered: false, families: BOTH },
        { low: 49709, high: 49808, administered: false, families: BOTH },
        { low: 50000, high: 50059, administered: true, families: BOTH },
      ]);
      expect(e.state().calls.map((c) => c[1])).toEqual(['ipv4', 'ipv6']);
    });

    it('a block in the IPv6 list only is excluded too, and explainPort says so', async () => {
      const state = initialState({ excluded: SYSTEM });
      state.systemExcluded.ipv6.tcp = [[51000, 51099, false]];
      e = emulate(state);
      expect((await e.backend.getReserved()).ports.toString()).toBe('5357,49709-49808,50000-50059,51000-51099');
      const why = await e.backend.explainPort(51050);
      expect(why).toMatchObject({ excluded: true, madeBy: 'system', range: { low: 51000, high: 51099, families: ['ipv6'] } });
      expect(why.summary).toMatch(/listed for IPv6 only/);
    });

    it('explainPort reports sockets already bound to the port, IPv6 listeners included', async () => {
      const row = (state: number, localAddress: string, localPort: number, pid: number) => ({
        state, localAddress, localPort, remoteAddress: localAddress.includes(':') ? '::' : '0.0.0.0', remotePort: 0, pid,
      });
      e = emulate({ excluded: SYSTEM }, { wmi: true, tcp6: [row(2, '::', 8080, 4242)], tcp4: [row(1, '0.0.0.0', 50010, 77)] });
      const free = await e.backend.explainPort(8080);
      expect(free).toMatchObject({ excluded: false, inUse: [{ family: 6, state: 'LISTEN', localAddress: '::', pid: 4242 }] });
      expect(free.summary).toMatch(/in use \(LISTEN on \[::\] \(pid 4242\)\).*WSAEADDRINUSE \(10048\)/);
      expect(free.remedies[0]).toMatch(/held by LISTEN on \[::\]/);
      const both = await e.backend.explainPort(50010);
      expect(both).toMatchObject({ excluded: true, madeBy: 'administrator', inUse: [{ family: 4, state: 'BOUND' }] });
      expect((await e.backend.explainPort(9090)).inUse).toEqual([]);
    });

    it('setReserved replaces the administered ranges and leaves the system ones', async () => {
      e = emulate({ excluded: SYSTEM });
      const change = await e.backend.setReserved(PortSet.fromRanges([{ low: 60000, high: 60009 }]));
      expect(change.previous.toString()).toBe('5357,49709-49808,50000-50059');
      expect(change.current.toString()).toBe('5357,49709-49808,60000-60009');
      expect(e.state().excluded.tcp).toEqual([
        [5357, 5357, false],
        [49709, 49808, false],
        [60000, 60009, true],
      ]);
    });

    it('a reservation over a system block fails with EBUSY (ERROR_SHARING_VIOLATION) and changes nothing', async () => {
      e = emulate({ excluded: SYSTEM });
      const error = await e.backend
        .setReserved(PortSet.fromRanges([{ low: 50000, high: 50059 }, { low: 49800, high: 49810 }]))
        .catch((x: unknown) => x);
      expect(error).toMatchObject({
        code: 'EBUSY',
        errno: -4082,
        winCode: 'ERROR_SHARING_VIOLATION',
        remedy: expect.stringMatching(/excludedportrange/),
      });
      expect(e.state().excluded).toEqual(SYSTEM);
    });

    it('a failure after earlier steps rolls them back (ERR_EPHEMERAL_ROLLED_BACK)', async () => {
      e = emulate({ excluded: SYSTEM });
      // Step 1 deletes 50000-50059, step 2 creates 61000-61009, step 3 hits the system block → undo 2 and 1.
      const error = await e.backend
        .setReserved(PortSet.fromRanges([{ low: 61000, high: 61009 }, { low: 49700, high: 49710 }]))
        .catch((x: unknown) => x);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK' });
      expect(e.state().excluded).toEqual(SYSTEM);
    });

    it('add / lookup / remove a persistent reservation through the addon', async () => {
      e = emulate({ language: 'zh' });
      const token = await e.backend.addExclusion({ low: 50500, high: 50509 }, { protocol: 'udp' });
      expect(typeof token).toBe('bigint');
      expect(await e.backend.lookupExclusion({ low: 50500, high: 50509 }, { protocol: 'udp' })).toBe(token);
      expect(await e.backend.lookupExclusion({ low: 50500, high: 50508 }, { protocol: 'udp' })).toBeNull();
      expect((await e.backend.getExcludedRanges({ protocol: 'udp' }))).toEqual([
        { low: 50500, high: 50509, administered: true, families: ['ipv4', 'ipv6'] },
      ]);
      await e.backend.removeExclusion({ low: 50500, high: 50509 }, { protocol: 'udp' });
      expect(await e.backend.getExcludedRanges({ protocol: 'udp' })).toEqual([]);
      const missing = await e.backend.removeExclusion({ low: 50500, high: 50509 }, { protocol: 'udp' }).catch((x: unknown) => x);
      expect(missing).toMatchObject({ code: 'ENOENT', errno: -4058, winCode: 'ERROR_NOT_FOUND' });
    });

    it('refuses port 0 and bad shapes before calling the API; reports EACCES (ERROR_ACCESS_DENIED) with a remedy', async () => {
      e = emulate({ elevated: false });
      expect(await codeOf(e.backend.addExclusion({ low: 0, high: 10 }))).toBe('ERR_EPHEMERAL_INVALID_PORT_LIST');
      expect(await codeOf(e.backend.addExclusion({ low: 10, high: 70000 }))).toBe('ERR_EPHEMERAL_INVALID_PORT_LIST');
      const denied = await e.backend.addExclusion({ low: 50000, high: 50009 }).catch((x: unknown) => x);
      expect(denied).toMatchObject({
        code: 'EACCES',
        errno: -4092,
        winCode: 'ERROR_ACCESS_DENIED',
        remedy: expect.stringMatching(/elevated/),
      });
    });

    it('explainPort names the range and who made it', async () => {
      e = emulate({ language: 'ja', excluded: SYSTEM });
      const sys = await e.backend.explainPort(49750);
      expect(sys).toMatchObject({ excluded: true, madeBy: 'system', range: { low: 49709, high: 49808 }, inDynamicRange: true });
      const admin = await e.backend.explainPort(50001);
      expect(admin).toMatchObject({ excluded: true, madeBy: 'administrator' });
      expect((await e.backend.explainPort(8080)).excluded).toBe(false);
    });

    it('a netsh that exits non-zero is ERR_EPHEMERAL_COMMAND_FAILED', async () => {
      e = emulate();
      const failing = createWin32Backend({ native: null, netsh: { command: '/bin/false' } });
      expect(await codeOf(failing.getReserved())).toBe('ERR_EPHEMERAL_COMMAND_FAILED');
    });
  });

  describe('scope and arguments', () => {
    beforeEach(() => {
      e = emulate();
    });
    it('refuses netns and unknown protocols', async () => {
      expect(await codeOf(e.backend.getRange({ netns: '/proc/1/ns/net' }))).toBe('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
      expect(await codeOf(e.backend.getRange({ protocol: 'sctp' as 'tcp' }))).toBe('ERR_INVALID_ARG_VALUE');
    });
    it('refuses a relative netsh path (never resolved through PATH)', () => {
      expect(() => createWin32Backend({ native: null, netsh: { command: 'netsh.exe' } })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }),
      );
    });
  });
});
