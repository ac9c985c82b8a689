/**
 * Where free-port's kernel facts come from: the OS package's port-facts module when the platform has one (Linux),
 * without loading the backend; the backend when one was injected or named by EPHEMERAL_PORTS_BACKEND, when the
 * platform has none, or when reading fails. (test/linux/port-facts.test.ts: the same on a real kernel in a netns.)
 */
import { EphemeralPortsError, PortSet, createMemoryBackend } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendIfLoaded, useBackend } from '../backend.js';
import { clearAvoidCache, readKernelAvoid } from './avoid.js';
import { readPortFacts } from './port-facts.js';

// As get-port's one-file build has them: the modules PORT_FACTS_MODULES names, built in (here from their sources).
const LINUX = '@ephemeral-ports/linux/port-facts';
const builtIn = vi.hoisted((): Record<string, unknown> => ({}));
vi.mock('./built-in-port-facts.js', async () => {
  builtIn['@ephemeral-ports/linux/port-facts'] = await import('@ephemeral-ports/linux/port-facts');
  return { BUILT_IN_PORT_FACTS: builtIn };
});

afterEach(() => {
  useBackend(undefined);
  clearAvoidCache();
});

describe.runIf(process.platform === 'linux')('port facts on Linux (this host, read only)', () => {
  it("are this kernel's values, the same as the Linux backend reads, with no backend loaded", async () => {
    const facts = readPortFacts(['tcp', 'udp']);
    const backend = createLinuxBackend();
    const range = backend.getRangeSync({ protocol: 'tcp' }).range;
    expect(facts).toEqual({
      ephemeral: [
        { protocol: 'tcp', range, source: 'port-facts:procfs' },
        { protocol: 'udp', range, source: 'port-facts:procfs' },
      ],
      reserved: expect.any(Object),
      reservedKind: 'reserved',
      privilegedBelow: (await backend.getConstraints()).unprivilegedPortStart ?? 1024,
    });
    expect(facts!.reserved.equals((await backend.getReserved()).ports)).toBe(true);
    expect(backendIfLoaded()).toBeUndefined();
  });

  it('are what a free-port search avoids when no backend was injected', async () => {
    const facts = await readKernelAvoid(['tcp']);
    expect(facts.ephemeral[0]!.source).toBe('port-facts:procfs');
    expect(facts.warnings).toEqual([]);
    expect(backendIfLoaded()).toBeUndefined();
  });

  it('are used again once an injected backend is taken away (useBackend(undefined))', async () => {
    useBackend(createMemoryBackend({ os: 'linux', range: { low: 40_000, high: 40_999 } }));
    expect((await readKernelAvoid(['tcp'])).ephemeral[0]!.source).toBe('memory');
    useBackend(undefined);
    clearAvoidCache();
    expect((await readKernelAvoid(['tcp'])).ephemeral[0]!.source).toBe('port-facts:procfs');
  });
});

describe('the backend instead of the port facts', () => {
  it('when a backend was injected (useBackend): its readings, not the kernel of this host', async () => {
    useBackend(createMemoryBackend({ os: process.platform === 'linux' ? 'linux' : 'freebsd', range: { low: 40_000, high: 40_999 }, reserved: PortSet.fromPorts([41_000]) }));
    expect(readPortFacts(['tcp'])).toBeUndefined();
    const facts = await readKernelAvoid(['tcp']);
    expect(facts.ephemeral).toEqual([{ protocol: 'tcp', range: { low: 40_000, high: 40_999 }, source: 'memory' }]);
  });

  it('when EPHEMERAL_PORTS_BACKEND names a backend module', async () => {
    expect(readPortFacts(['tcp'], 'linux', { EPHEMERAL_PORTS_BACKEND: '/opt/my-backend.js' })).toBeUndefined();
  });

  it.each(['darwin', 'freebsd', 'aix', 'win32'])('on %s, which has no port-facts reader', async (platform) => {
    expect(readPortFacts(['tcp'], platform, {})).toBeUndefined();
  });
});

describe('a port-facts module that fails', () => {
  const failing = {
    readPortFacts: () => {
      throw new EphemeralPortsError('EACCES', "open '/proc/sys/net/ipv4/ip_local_port_range': permission denied", { syscall: 'open' });
    },
  };

  it('gives no facts, and no error: the backend is asked instead', async () => {
    const real = builtIn[LINUX];
    try {
      builtIn[LINUX] = failing;
      expect(readPortFacts(['tcp'], 'linux', {})).toBeUndefined();
      builtIn[LINUX] = {};
      expect(readPortFacts(['tcp'], 'linux', {})).toBeUndefined();
    } finally {
      builtIn[LINUX] = real;
    }
  });

  it('nor does one that cannot be loaded (not built in, not installed)', () => {
    const real = builtIn[LINUX];
    const asked: string[] = [];
    try {
      delete builtIn[LINUX];
      const load = (id: string) => {
        asked.push(id);
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      };
      expect(readPortFacts(['tcp'], 'linux', {}, load)).toBeUndefined();
      expect(asked).toEqual([LINUX]);
    } finally {
      builtIn[LINUX] = real;
    }
  });
});
