import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinuxBackend } from './backend.js';
import { SYSCTL_DIR_ENV, SYSCTL_D_FILE, parseSysctlConf, renderSysctlConf } from './persist.js';

describe('sysctl.d persistence', () => {
  let dir: string;
  let file: string;
  // The JS implementation: persistence needs no addon, and reads only ip_unprivileged_port_start here.
  const backend = () => createLinuxBackend({ implementation: 'js' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ephports-persist-'));
    file = join(dir, SYSCTL_D_FILE);
    process.env[SYSCTL_DIR_ENV] = dir;
  });
  afterEach(() => {
    delete process.env[SYSCTL_DIR_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file with a header, atomically, and reads it back', async () => {
    const result = await backend().persistRange({ low: 49152, high: 65535 });
    expect(result).toMatchObject({ target: file, before: '', written: true });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Written by ephemeral-ports/);
    expect(text).toContain(`sysctl -p ${file}`);
    expect(text.endsWith('net.ipv4.ip_local_port_range = 49152 65535\n')).toBe(true);
    expect(result.diff).toContain('+net.ipv4.ip_local_port_range = 49152 65535');
    expect(readdirSync(dir)).toEqual([SYSCTL_D_FILE]); // no temp file left behind
    expect(await backend().getPersisted()).toMatchObject({ range: { low: 49152, high: 65535 }, target: file });
  });

  it('replaces our line, keeps other lines, and writes nothing when unchanged', async () => {
    writeFileSync(file, '# mine\nnet.core.somaxconn = 4096\nnet/ipv4/ip_local_port_range=1025 2000\n');
    const result = await backend().persistRange({ low: 40000, high: 50001 });
    expect(readFileSync(file, 'utf8')).toBe(
      '# mine\nnet.core.somaxconn = 4096\nnet.ipv4.ip_local_port_range = 40000 50001\n',
    );
    expect(result.diff).toContain('-net/ipv4/ip_local_port_range=1025 2000');
    const again = await backend().persistRange({ low: 40000, high: 50001 });
    expect(again).toMatchObject({ written: false, diff: '' });
  });

  it('dry run computes the change and writes nothing; options.file overrides the path', async () => {
    const other = join(dir, 'custom.conf');
    const result = await backend().persistRange({ low: 40000, high: 50001 }, { file: other, dryRun: true });
    expect(result).toMatchObject({ target: other, written: false });
    expect(result.after).toContain('40000 50001');
    expect(readdirSync(dir)).toEqual([]);
    expect(await backend().getPersisted({ file: other })).toMatchObject({ range: null, target: other });
  });

  it('a relative file is resolved once against the current directory: written, judged and reported absolute', async () => {
    const absolute = join(dir, 'rel.conf');
    const result = await backend().persistRange({ low: 40000, high: 50001 }, { file: relative(process.cwd(), absolute) });
    expect(result.target).toBe(absolute);
    expect(readFileSync(absolute, 'utf8')).toContain(`sysctl -p ${absolute}\n`);
    expect(result.diff).toContain(`+++ ${absolute}`);
    expect(await backend().getPersisted({ file: relative(process.cwd(), absolute) })).toMatchObject({ target: absolute });
    process.env[SYSCTL_DIR_ENV] = relative(process.cwd(), dir);
    expect((await backend().getPersisted()).target).toBe(file);
  });

  it('EPHEMERAL_PORTS_SYSCTL_DIR moves the file, not the boot order: a directory the boot does not read is reported', async () => {
    const result = await backend().persistRange({ low: 40000, high: 50001 }, { dryRun: true });
    expect(result.target).toBe(file);
    expect(result.effective).toMatchObject({ targetRead: false });
    expect(result.effective!.notes[0]).toContain(`the boot does not read ${file}: systemd-sysctl reads only /etc/sysctl.d`);
  });

  it('refuses a netns (sysctl.d applies to the initial namespace) and invalid ranges', async () => {
    await expect(backend().persistRange({ low: 40000, high: 50001 }, { netns: '/run/netns/x' })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
    });
    await expect(backend().persistRange({ low: 9, high: 3 })).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_INVALID_RANGE' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('parses the last assignment, ignores comments, and reports unparsable values', () => {
    expect(parseSysctlConf('# net.ipv4.ip_local_port_range = 1 2\n', 'f')).toBeNull();
    expect(
      parseSysctlConf('net.ipv4.ip_local_port_range = 1025 2000\n-net.ipv4.ip_local_port_range=3000\t4001\n', 'f'),
    ).toEqual({ low: 3000, high: 4001 });
    expect(() => parseSysctlConf('net.ipv4.ip_local_port_range = lots\n', 'f')).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', path: 'f' }),
    );
    expect(renderSysctlConf('x = 1', { low: 2, high: 3 }, 'f')).toBe('x = 1\nnet.ipv4.ip_local_port_range = 2 3\n');
  });

  it('refuses an existing file it cannot parse before writing anything, in a dry run too', async () => {
    const text = '# mine\nnet.ipv4.ip_local_port_range = 1025 2000\nnet.ipv4.ip_local_port_range = lots\n';
    writeFileSync(file, text);
    for (const dryRun of [true, false]) {
      const error = await backend().persistRange({ low: 40000, high: 50001 }, { dryRun }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_PARSE', path: file, message: expect.stringContaining('= lots') });
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
    expect(readdirSync(dir)).toEqual([SYSCTL_D_FILE]);
  });

  it('reads CRLF lines as systemd-sysctl does and writes the file back with its CRLF line ends', async () => {
    writeFileSync(file, '# mine\r\nnet.ipv4.ip_local_port_range = 1025 2000\r\nnet.core.somaxconn = 4096\r\n');
    expect(await backend().getPersisted()).toMatchObject({ range: { low: 1025, high: 2000 }, target: file });
    await backend().persistRange({ low: 40000, high: 50001 });
    expect(readFileSync(file, 'utf8')).toBe('# mine\r\nnet.ipv4.ip_local_port_range = 40000 50001\r\nnet.core.somaxconn = 4096\r\n');
    expect(parseSysctlConf('net.ipv4.ip_local_port_range = 3000 4001\r', 'f')).toEqual({ low: 3000, high: 4001 });
  });

  // The kernel reads each number with base 0 (kernel/sysctl.c proc_get_long): 0100000 is 32768 (octal), 0x8000 is
  // 32768, 032768 is refused with EINVAL at boot. Read as decimal they would be 100000, unparsable, 32768.
  it.each([
    ['032768 60999', /leading zeros.*octal/],
    ['0100000 60999', /leading zeros.*octal/],
    ['0x8000 60999', /hexadecimal/],
  ])('refuses %s, a value the kernel reads in another base, with the reason', (value, why) => {
    expect(() => parseSysctlConf(`net.ipv4.ip_local_port_range = ${value}\n`, 'f')).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', message: expect.stringMatching(why) }),
    );
  });

  it('refuses a symlinked sysctl.d file without reading through it (nothing of the other file leaks)', async () => {
    const secret = join(dir, 'shadow');
    writeFileSync(secret, 'root:$6$hash:19000:0:99999:7:::\n', { mode: 0o600 });
    symlinkSync(secret, file);
    const error = await backend().persistRange({ low: 40000, high: 50001 }, { dryRun: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/symbolic link/) });
    expect(JSON.stringify(error)).not.toContain('$6$hash');
    await expect(backend().getPersisted()).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(readFileSync(secret, 'utf8')).toContain('$6$hash');
  });

  it.runIf(process.getuid?.() === 0)('keeps the owner and mode of the file it replaces (needs root)', async () => {
    writeFileSync(file, 'net.ipv4.ip_local_port_range = 1025 2000\n', { mode: 0o600 });
    chownSync(file, 4321, 4321);
    await backend().persistRange({ low: 40000, high: 50001 });
    const stat = statSync(file);
    expect({ uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o777 }).toEqual({ uid: 4321, gid: 4321, mode: 0o600 });
  });

  it('refuses a --file under /proc or a FIFO at once, before reading it', async () => {
    for (const target of ['/proc/sys/net/ipv4/ip_local_port_range', '/proc/kmsg', '/dev/zero']) {
      await expect(backend().persistRange({ low: 40000, high: 50001 }, { file: target, dryRun: true })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_VALUE',
      });
    }
  });
});
