import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxBackend } from './backend.js';
import { hasCensus } from './census/native-census.js';
import { FORCE_JS_ENV, loadNativeBinding } from './native.js';
import { toOsError } from './os-error.js';
import { inNetns, knobRemedy, persistRemedy } from './remedy.js';

describe.runIf(process.platform === 'linux')('linux addon loader (Linux only)', () => {
  afterEach(() => {
    delete process.env[FORCE_JS_ENV];
  });

  it('loads the addon built by `npm run build` (build/Release or prebuilds/)', () => {
    const loaded = loadNativeBinding();
    expect(loaded.fallbackReason).toBeUndefined();
    expect(createLinuxBackend().info()).toMatchObject({ implementation: 'native', supportsNetns: true });
  });

  it(`${FORCE_JS_ENV}=1 selects the JS fallback and says why; "native" then fails with a code`, () => {
    process.env[FORCE_JS_ENV] = '1';
    const info = createLinuxBackend().info();
    expect(info).toMatchObject({ implementation: 'js-fallback', supportsNetns: false });
    expect(info.fallbackReason).toContain(FORCE_JS_ENV);
    expect(() => createLinuxBackend({ implementation: 'native' })).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED' }),
    );
  });

  it("the addon refuses bad arguments with Node's codes, and reports errno negative", async () => {
    const binding = loadNativeBinding().binding!;
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return undefined;
      } catch (e) {
        return (e as { code?: unknown }).code;
      }
    };
    expect(codeOf(() => binding.readKnob('ip_forward' as never))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => binding.readKnob(42 as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => binding.readPortRange('relative'))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => binding.readPortRange(7 as never))).toBe('ERR_INVALID_ARG_TYPE');
    if (!hasCensus(binding)) throw new Error('the addon has no census');
    expect(codeOf(() => binding.census({ netns: 5 } as never))).toBe('ERR_INVALID_ARG_TYPE');
    const request = { netns: '/nonexistent/ns', tcp: true, udp: true, v4: true, v6: true };
    await expect(binding.census(request)).rejects.toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'open', path: '/nonexistent/ns' });
  });

  it('native and JS read the same range', () => {
    expect(createLinuxBackend({ implementation: 'js' }).getRangeSync().range).toEqual(
      createLinuxBackend({ implementation: 'native' }).getRangeSync().range,
    );
  });
});

describe('OS error conversion', () => {
  const writing = knobRemedy(true);

  it('gives fs errors a negative errno, as Node does, and the remedy for what failed', () => {
    const fsError = Object.assign(new Error("EACCES: permission denied, open '/proc/sys/net/ipv4/ip_local_port_range'"), {
      code: 'EACCES',
      errno: -13,
      syscall: 'open',
      path: '/proc/sys/net/ipv4/ip_local_port_range',
    });
    expect(toOsError(fsError, writing)).toMatchObject({
      name: 'EphemeralPortsError',
      code: 'EACCES',
      errno: -13,
      syscall: 'open',
      path: '/proc/sys/net/ipv4/ip_local_port_range',
      remedy: expect.stringContaining('CAP_NET_ADMIN'),
      cause: fsError,
    });
    // Reading needs no privilege: the write remedy would mislead.
    expect(toOsError(fsError, knobRemedy(false))).toMatchObject({ remedy: expect.not.stringContaining('CAP_NET_ADMIN') });
  });

  it('fits the remedy to the path: a namespace path, a knob, the sysctl.d file', () => {
    const failure = (path: string, syscall = 'open') => Object.assign(new Error('x'), { code: 'EACCES', errno: -13, syscall, path });
    const native = inNetns('/run/netns/a', writing);
    expect(toOsError(failure('/run/netns/a'), native)).toMatchObject({ remedy: expect.stringContaining('CAP_SYS_ADMIN') });
    expect(toOsError(failure('/proc/sys/net/ipv4/ip_local_port_range'), native)).toMatchObject({ remedy: expect.stringContaining('CAP_NET_ADMIN') });
    expect(toOsError(failure('/etc/sysctl.d/90-ephemeral-ports.conf', 'rename'), persistRemedy)).toMatchObject({
      remedy: 'writing /etc/sysctl.d needs root',
    });
    // The container example names the knob that failed.
    expect(toOsError(failure('/proc/sys/net/ipv4/ip_local_reserved_ports'), writing)).toMatchObject({
      remedy: expect.stringContaining('docker run --sysctl net.ipv4.ip_local_reserved_ports="8080,9000-9100"'),
    });
    expect(toOsError(failure('/proc/sys/net/ipv4/ip_local_port_range'), writing)).toMatchObject({
      remedy: expect.stringContaining('docker run --sysctl net.ipv4.ip_local_port_range="49152 65535"'),
    });
    const enoent = (path: string) => Object.assign(new Error('x'), { code: 'ENOENT', errno: -2, syscall: 'open', path });
    expect(toOsError(enoent('/proc/sys/net/ipv4/ip_unprivileged_port_start'), writing)).toMatchObject({ remedy: expect.stringContaining('4.11') });
    expect(toOsError(enoent('/proc/sys/net/ipv4/ip_local_port_range'), writing)).toMatchObject({ remedy: expect.not.stringContaining('4.11') });
  });

  it('names the errno from the code when an error carries none; conditions get none', () => {
    const bare = Object.assign(new Error('read-only'), { code: 'EROFS', syscall: 'open' });
    expect(toOsError(bare, writing)).toMatchObject({ code: 'EROFS', errno: -30, syscall: 'open' });
    const condition = Object.assign(new Error('not two port numbers'), { code: 'ERR_EPHEMERAL_PARSE', syscall: 'read', path: '/p' });
    const converted = toOsError(condition, writing) as { errno?: number; code: string };
    expect(converted).toMatchObject({ name: 'EphemeralPortsError', code: 'ERR_EPHEMERAL_PARSE', path: '/p' });
    expect(converted.errno).toBeUndefined();
  });

  it("turns the addon's argument errors into TypeErrors with Node's codes", () => {
    const addon = Object.assign(new TypeError('netns must be a path string'), { code: 'ERR_INVALID_ARG_TYPE' });
    const converted = toOsError(addon, writing);
    expect(converted).toBeInstanceOf(TypeError);
    expect(converted).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('passes through errors without a code', () => {
    const plain = new Error('boom');
    expect(toOsError(plain, writing)).toBe(plain);
  });
});
