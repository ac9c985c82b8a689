/**
 * The PowerShell route of a restore: how powershell.exe is found and run, the script it is given, how its answer
 * is read, and the PowerShell double's own rules (test/windows/doubles/powershell-double.mjs, cited from
 * Microsoft's Set-NetTCPSetting / Set-NetUDPSetting docs).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initialState } from '../../../test/windows/doubles/netsh-double.mjs';
import { powershell as runDouble } from '../../../test/windows/doubles/powershell-double.mjs';
import {
  POWERSHELL_ARGS,
  type PowerShellResult,
  createPowerShellRunner,
  defaultPowerShellPath,
  parseScriptAnswer,
  powerShellError,
  recordingPowerShell,
  setDynamicPortScript,
  setDynamicPortViaPowerShell,
} from './powershell.js';

const result = (stdout: string, status: number | null = 1, extra: Partial<PowerShellResult> = {}): PowerShellResult => ({
  stdout,
  stderr: '',
  status,
  timedOut: false,
  ...extra,
});
const FOUND = { start: 1024, count: 64511 };

describe('where powershell.exe is', () => {
  it('is under SystemRoot, absolute', () => {
    expect(defaultPowerShellPath({ SystemRoot: 'D:\\WINDOWS' })).toBe('D:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(defaultPowerShellPath({})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });
  it.each(['Windows', '\\\\server\\share', 'C:\\Win"dows', 'C:\\Windows\\..\\Users\\x', 'C:\\Windows\nX', 'C:\\Win*'])(
    'refuses SystemRoot %j',
    (root) => {
      expect(() => defaultPowerShellPath({ SystemRoot: root })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    },
  );
  it('a bad SystemRoot fails the call that needs PowerShell, not the runner creation', async () => {
    const saved = process.env.SystemRoot;
    process.env.SystemRoot = 'relative';
    try {
      const run = createPowerShellRunner();
      await expect(run('exit 0')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    } finally {
      if (saved === undefined) delete process.env.SystemRoot;
      else process.env.SystemRoot = saved;
    }
  });
});

describe('the script', () => {
  it('is one line of single-quoted PowerShell around the cmdlet, with ConvertTo-Json and exit codes', () => {
    const script = setDynamicPortScript('tcp', FOUND);
    expect(script).toContain('Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511;');
    expect(setDynamicPortScript('udp', FOUND)).toContain('Set-NetUDPSetting -DynamicPortRangeStartPort 1024');
    expect(script).not.toMatch(/["\r\n`]/); // nothing for the command line's quoting (or PowerShell's escape) to break
    expect(script).toMatch(/ConvertTo-Json -Compress; exit 0 }; catch \{.*ConvertTo-Json -Compress; exit 1 }$/);
  });
  it.each([
    [{ start: 1024.5, count: 10 }],
    [{ start: Number.NaN, count: 10 }],
    [{ start: 0, count: 10 }],
    [{ start: 65536, count: 1 }],
    [{ start: 1024, count: 0 }],
    [{ start: 65000, count: 600 }],
    [{ start: '1024; Remove-Item C:\\' as unknown as number, count: 10 }],
  ])('refuses %j before formatting anything', (value) => {
    expect(() => setDynamicPortScript('tcp', value)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('reading the answer', () => {
  it('finds the JSON line among others, with CRLF, a BOM and trailing blanks', () => {
    expect(parseScriptAnswer('\uFEFFWARNING: something\r\n{"ok":true}\r\n\r\n')).toEqual({ ok: true });
    expect(parseScriptAnswer('{"ok":false,"errorId":"Windows System Error 5,Set-NetTCPSetting","category":"PermissionDenied","message":"Zugriff verweigert"}\n')).toEqual({
      ok: false,
      errorId: 'Windows System Error 5,Set-NetTCPSetting',
      category: 'PermissionDenied',
      message: 'Zugriff verweigert',
    });
    expect(parseScriptAnswer('{not json}\r\n{"other":1}\r\n')).toBeUndefined();
    expect(parseScriptAnswer('')).toBeUndefined();
  });

  it.each([
    ['Windows System Error 5,Set-NetTCPSetting', 'EACCES', -4092, 'ERROR_ACCESS_DENIED'],
    ['Windows System Error 87,Set-NetTCPSetting', 'EINVAL', -4071, 'ERROR_INVALID_PARAMETER'],
    ['HRESULT 0x80041003,Set-NetTCPSetting', 'EACCES', -4092, 'WBEM_E_ACCESS_DENIED'],
  ])('maps %s through win-errno (any display language)', (errorId, code, errno, winCode) => {
    const answer = JSON.stringify({ ok: false, errorId, category: 'x', message: 'アクセスが拒否されました。' });
    expect(powerShellError('tcp', FOUND, result(`${answer}\r\n`))).toMatchObject({ code, errno, winCode, syscall: 'Set-NetTCPSetting' });
  });

  it('a missing cmdlet, a timeout and unstructured output each say what happened', () => {
    const missing = JSON.stringify({ ok: false, errorId: 'CommandNotFoundException', message: "The term 'Set-NetUDPSetting' is not recognized" });
    expect(powerShellError('udp', FOUND, result(missing))).toMatchObject({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', syscall: 'Set-NetUDPSetting' });
    expect(powerShellError('tcp', FOUND, result('', null, { timedOut: true }))).toMatchObject({ code: 'ETIMEDOUT', errno: -4039 });
    const plain = powerShellError('tcp', FOUND, { stdout: '', stderr: 'Set-NetTCPSetting : boom\r\n', status: 1, timedOut: false });
    expect(plain).toMatchObject({ code: 'ERR_EPHEMERAL_COMMAND_FAILED' });
    expect(plain.message).toMatch(/failed: Set-NetTCPSetting : boom \(exit 1\)/);
  });

  it('exit 0 without JSON counts as done (the read-back decides); {"ok":false} with exit 0 does not', async () => {
    await expect(setDynamicPortViaPowerShell(async () => result('', 0), 'tcp', FOUND)).resolves.toBeUndefined();
    await expect(setDynamicPortViaPowerShell(async () => result('{"ok":false}', 0), 'tcp', FOUND)).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_COMMAND_FAILED',
    });
  });
});

describe('running it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-ps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('execFile without a shell: the arguments arrive exactly, stdin is closed, LC_ALL=C', async () => {
    const fake = join(dir, 'fake-powershell');
    writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"; cat > "$0.stdin"; printf "LC_ALL=%s" "$LC_ALL" > "$0.env"; echo \'{"ok":true}\'\n');
    chmodSync(fake, 0o755);
    const run = createPowerShellRunner({ command: fake });
    const script = setDynamicPortScript('tcp', FOUND);
    const r = await run(script);
    expect(r).toMatchObject({ status: 0, timedOut: false });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${fake}.args`, 'utf8')).toBe(`${[...POWERSHELL_ARGS, script].join('\n')}\n`);
    expect(readFileSync(`${fake}.stdin`, 'utf8')).toBe('');
    expect(readFileSync(`${fake}.env`, 'utf8')).toBe('LC_ALL=C');
  });

  it('a hung PowerShell is killed at the timeout and reported as ETIMEDOUT', async () => {
    const hang = join(dir, 'hang');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hang, 0o755);
    const run = createPowerShellRunner({ command: hang }, 200);
    await expect(setDynamicPortViaPowerShell(run, 'tcp', FOUND)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('a missing program is Node\'s errno error with the path', async () => {
    const run = createPowerShellRunner({ command: join(dir, 'nope.exe') });
    await expect(run('exit 0')).rejects.toMatchObject({ code: 'ENOENT', syscall: 'spawn' });
    expect(() => createPowerShellRunner({ command: 'powershell.exe' })).not.toThrow(); // checked on use
    await expect(createPowerShellRunner({ command: 'powershell.exe' })('exit 0')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});

describe('a support bundle', () => {
  it('records the script, exit code and output before parsing, and failures to start', async () => {
    const records: unknown[] = [];
    const ok = recordingPowerShell(async () => result('{"ok":true}\r\n', 0), (r) => records.push(r), 'C:\\ps.exe');
    await setDynamicPortViaPowerShell(ok, 'tcp', FOUND);
    const script = setDynamicPortScript('tcp', FOUND);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'command', file: 'C:\\ps.exe', args: [...POWERSHELL_ARGS, script], exitCode: 0, stdout: '{"ok":true}\r\n' }),
    ]);
    const broken = recordingPowerShell(async () => Promise.reject(Object.assign(new Error('spawn'), { code: 'ENOENT' })), (r) => records.push(r), 'x');
    await expect(broken('exit 0')).rejects.toThrow('spawn');
    expect(records[1]).toMatchObject({ exitCode: null, error: { code: 'ENOENT' } });
  });
});

describe('the PowerShell double follows the documented cmdlet (emulated)', () => {
  const run = (script: string, patch: Parameters<typeof initialState>[0] = {}) => {
    const state = initialState(patch);
    return { state, ...runDouble(state, [...POWERSHELL_ARGS, script]) };
  };

  it('accepts start=1024 (documented: 1 through 65535), which netsh refuses (KB929851)', () => {
    const r = run(setDynamicPortScript('tcp', FOUND));
    expect(r).toMatchObject({ out: '{"ok":true}\r\n', code: 0 });
    expect(r.state.active.ipv6.tcp).toEqual(FOUND);
    expect(r.state.persistent.ipv4.tcp).toEqual(FOUND);
    expect(r.state.active.ipv4.udp).toEqual({ start: 49152, count: 16384 });
  });

  it('a value outside UInt16 fails parameter binding; start 0 is refused with error 87 in the display language', () => {
    const big = run(`try { Set-NetTCPSetting -DynamicPortRangeStartPort 70000 -DynamicPortRangeNumberOfPorts 10; } catch { ConvertTo-Json }`);
    expect(JSON.parse(big.out)).toMatchObject({ errorId: 'ParameterArgumentTransformationError,Set-NetTCPSetting' });
    const zero = run('Set-NetUDPSetting -DynamicPortRangeStartPort 0 -DynamicPortRangeNumberOfPorts 10; ConvertTo-Json', { language: 'de' });
    expect(JSON.parse(zero.out)).toEqual({
      ok: false,
      errorId: 'Windows System Error 87,Set-NetUDPSetting',
      category: 'InvalidArgument',
      message: 'Falscher Parameter.',
    });
    expect(zero.code).toBe(1);
  });

  it('not elevated: error 5; wrong invocation: refused by the double', () => {
    const denied = run(setDynamicPortScript('tcp', FOUND), { elevated: false });
    expect(powerShellError('tcp', FOUND, { stdout: denied.out, stderr: '', status: denied.code, timedOut: false })).toMatchObject({
      code: 'EACCES',
      winCode: 'ERROR_ACCESS_DENIED',
    });
    const state = initialState();
    expect(runDouble(state, ['-Command', 'exit 0']).code).toBe(2);
  });
});
