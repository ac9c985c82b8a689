/**
 * The addon's lock sockets (backend.abstractLocks, native/linux/abstract_lock.cc): a name is bound with its own
 * length (free-port pads its names to the whole sun_path), a second holder is refused with -EADDRINUSE, close frees
 * the name, and a lock excludes a net.Server on the same name and is excluded by one.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLinuxBackend } from './backend.js';
import { FORCE_JS_ENV } from './native.js';

const SUN_PATH = 108;
let counter = 0;
const uniqueName = () => `\0ephemeral-ports-test/locks/${process.pid}/${++counter}`.padEnd(SUN_PATH, '\0');

/** How /proc/net/unix lists `name` (NULs shown as `@`), if it does. */
function listed(name: string): string[] {
  const shown = name.replaceAll('\0', '@');
  return readFileSync('/proc/net/unix', 'latin1')
    .split('\n')
    .map((line) => line.split(' ').at(-1) ?? '')
    .filter((path) => path === shown);
}

const netListen = (name: string) =>
  new Promise<net.Server | string>((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'UNKNOWN'));
    server.listen({ path: name, exclusive: true }, () => resolve(server));
  });

describe.runIf(process.platform === 'linux')('Linux addon: abstract-socket locks', () => {
  const locks = createLinuxBackend().abstractLocks!;

  it('is offered by the native backend, not by the JS fallback', () => {
    expect(typeof locks.listen).toBe('function');
    process.env[FORCE_JS_ENV] = '1';
    try {
      expect(createLinuxBackend().abstractLocks).toBeUndefined();
    } finally {
      delete process.env[FORCE_JS_ENV];
    }
  });

  it('binds the name as given (all 108 bytes), refuses a second holder, frees it on close', () => {
    const name = uniqueName();
    const id = locks.listen(name);
    expect(id).toBeGreaterThan(2);
    expect(listed(name)).toHaveLength(1);
    expect(getSystemErrorName(locks.listen(name))).toBe('EADDRINUSE');
    locks.close(id);
    expect(listed(name)).toEqual([]);
    const again = locks.listen(name);
    expect(again).toBeGreaterThan(2);
    locks.close(again);
  });

  it('excludes a net.Server on the same (full-length) name, and is excluded by one', async () => {
    const name = uniqueName();
    const id = locks.listen(name);
    expect(await netListen(name)).toBe('EADDRINUSE');
    locks.close(id);
    const server = await netListen(name);
    expect(server).toBeInstanceOf(net.Server);
    expect(getSystemErrorName(locks.listen(name))).toBe('EADDRINUSE');
    await new Promise((resolve) => (server as net.Server).close(resolve));
  });

  it('refuses a name that is not abstract or too long with -EINVAL, and a non-string with a TypeError', () => {
    expect(getSystemErrorName(locks.listen('/tmp/not-abstract'))).toBe('EINVAL');
    expect(getSystemErrorName(locks.listen(`\0${'x'.repeat(SUN_PATH)}`))).toBe('EINVAL');
    expect(() => locks.listen(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
