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
  writeState,
} from '../../../test/windows/doubles/netsh-double.mjs';
import { type Win32Backend, createWin32Backend } from './backend.js';
import { RangeReadError } from './dynamic-range.js';

const DOUBLE = fileURLToPath(new URL('../../../test/windows/doubles/netsh-double.mjs', import.meta.url));

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
  const backend = createWin32Backend({
    native: addon ? createEmulatedAddon(file, addon) : null,
    ...(spawned
      ? { netsh: { command: process.execPath, args: [DOUBLE, '--state', file] } }
      : { netshRunner: inProcess }),
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
      const r = e.state().active[protocol];
      return { low: r.start, high: r.start + r.count - 1 };
    },
    cleanup: e.cleanup,
  };
}, vitest);

describe('win32 backend (emulated)', () => {
  let e: Emulated;
  afterEach(() => e?.cleanup());

  describe('reading the range: the fallback chain', () => {
    it('answers from WMI when the class exists, without spawning netsh', async () => {
      e = emulate({}, { wmi: true });
      const r = await e.backend.getRange({ protocol: 'udp' });
      expect(r).toMatchObject({ range: { low: 49152, high: 65535 }, protocol: 'udp' });
      expect(r.source).toBe('wmi:root/StandardCimv2/MSFT_NetUDPSetting');
      expect(r.details).toMatchObject({ start: 49152, count: 16384, settings: ['Internet', 'Datacenter', 'Compat'] });
      expect(e.state().calls).toEqual([]);
    });

    it('falls back to netsh and records why WMI did not answer (spawned)', async () => {
      e = emulate({ language: 'de' }, { wmi: false }, true);
      const r = await e.backend.getRange();
      expect(r.source).toBe('spawn:netsh');
      expect(r.details).toMatchObject({
        start: 49152,
        count: 16384,
        attempts: [
          {
            source: 'wmi:root/StandardCimv2/MSFT_NetTCPSetting',
            code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
            winCode: 'WBEM_E_INVALID_NAMESPACE',
          },
        ],
      });
      expect(e.state().calls).toEqual([['int', 'ipv4', 'show', 'dynamicport', 'tcp']]);
    });

    it("fails honestly when neither answers (Wine: no WMI class, netsh prints nothing)", async () => {
      e = emulate({ silent: true });
      const error = await e.backend.getRange().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(error).toBeInstanceOf(RangeReadError);
      const r = error as RangeReadError;
      expect(r.code).toBe('ERR_EPHEMERAL_PARSE');
      expect(r.attempts.map((a) => [a.source, a.code, a.winCode])).toEqual([
        ['wmi:root/StandardCimv2/MSFT_NetTCPSetting', 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', 'WBEM_E_INVALID_NAMESPACE'],
        ['spawn:netsh', 'ERR_EPHEMERAL_PARSE', undefined],
      ]);
      expect(r.message).toMatch(/printed nothing/);
      expect(r.message).toMatch(/ERR_EPHEMERAL_UNSUPPORTED_OPERATION \(WBEM_E_INVALID_NAMESPACE\)/);
    });

    it('without the addon: says so in info() and in the chain', async () => {
      e = emulate({ language: 'zh' }, null);
      expect(e.backend.info()).toMatchObject({ implementation: 'netsh-only', supportsCensus: false });
      const r = await e.backend.getRange();
      expect(r.details?.attempts).toEqual([
        expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', message: expect.stringMatching(/native: null/) }),
      ]);
      expect(await codeOf(e.backend.census())).toBe('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
      expect(await codeOf(e.backend.addExclusion({ low: 50000, high: 50009 }))).toBe('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
    });

    it.each(['en', 'de', 'ja', 'zh'] as const)('parses the %s display language through the backend', async (language) => {
      e = emulate({ language, active: { tcp: { start: 10000, count: 1000 }, udp: { start: 20000, count: 300 } } });
      expect((await e.backend.getRange({ protocol: 'tcp' })).range).toEqual({ low: 10000, high: 10999 });
      expect((await e.backend.getRange({ protocol: 'udp' })).range).toEqual({ low: 20000, high: 20299 });
    });
  });

  describe('setting the range', () => {
    it('uses store=active, keeps the persistent value, and reads back (spawned)', async () => {
      e = emulate({}, { wmi: false }, true);
      const change = await e.backend.setRange({ low: 40000, high: 40999 }, { protocol: 'udp' });
      expect(change).toMatchObject({ previous: { low: 49152, high: 65535 }, current: { low: 40000, high: 40999 } });
      const s = e.state();
      expect(s.calls).toContainEqual(['int', 'ipv4', 'set', 'dynamicport', 'udp', 'start=40000', 'num=1000', 'store=active']);
      expect(s.active.udp).toEqual({ start: 40000, count: 1000 });
      expect(s.persistent.udp).toEqual({ start: 49152, count: 16384 });
      expect(s.active.tcp).toEqual({ start: 49152, count: 16384 });
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
      expect(e.state().active.tcp).toEqual({ start: 1025, count: 255 });
      await e.backend.setRange({ low: 65281, high: 65535 });
      expect(e.state().active.tcp).toEqual({ start: 65281, count: 255 });
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
      expect(e.state().active.tcp).toEqual({ start: 49152, count: 16384 });
    });

    it('a set that netsh accepts but does not apply is ERR_EPHEMERAL_READBACK_MISMATCH', async () => {
      e = emulate({}, { wmi: true });
      // WMI reads this Windows' state, but netsh writes another one: netsh says OK, the range does not move
      // (as when a policy resets the value).
      const backend = createWin32Backend({
        native: createEmulatedAddon(e.file, { wmi: true }),
        netshRunner: async (args) => ({ stdout: runDouble(initialState(), [...args]).out, stderr: '', status: 0 }),
      });
      expect(await codeOf(backend.setRange({ low: 40000, high: 49999 }))).toBe('ERR_EPHEMERAL_READBACK_MISMATCH');
    });

    it('persistRange writes store=persistent, dry run writes nothing, getPersisted reads it', async () => {
      e = emulate({ language: 'ja' });
      const dry = await e.backend.persistRange({ low: 30000, high: 39999 }, { protocol: 'udp', dryRun: true });
      expect(dry).toEqual({
        target: 'netsh int ipv4 set dynamicport udp start=30000 num=10000 store=persistent',
        written: false,
      });
      expect(e.state().persistent.udp).toEqual({ start: 49152, count: 16384 });
      const done = await e.backend.persistRange({ low: 30000, high: 39999 }, { protocol: 'udp' });
      expect(done.written).toBe(true);
      expect(e.state().persistent.udp).toEqual({ start: 30000, count: 10000 });
      expect((await e.backend.getPersisted({ protocol: 'udp' })).range).toEqual({ low: 30000, high: 39999 });
      expect(await codeOf(e.backend.persistRange({ low: 30000, high: 39999 }, { file: 'C:\\x' }))).toBe(
        'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
      );
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

    it('getReserved returns kind "excluded" with the administered marker in details (spawned)', async () => {
      e = emulate({ language: 'de', excluded: SYSTEM }, { wmi: false }, true);
      const r = await e.backend.getReserved();
      expect(r.kind).toBe('excluded');
      expect(r.ports.toString()).toBe('5357,49709-49808,50000-50059');
      expect(r.details?.ranges).toEqual([
        { low: 5357, high: 5357, administered: false },
        { low: 49709, high: 49808, administered: false },
        { low: 50000, high: 50059, administered: true },
      ]);
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
        { low: 50500, high: 50509, administered: true },
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
