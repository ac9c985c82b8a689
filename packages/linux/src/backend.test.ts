import { describe, expect, it } from 'vitest';
import { EphemeralPortsError } from '@ephemeral-ports/core';
import { createProcfsBackend } from './backend.js';
import type { KnobName } from './procfs-format.js';
import type { ProcfsIo } from './procfs-io.js';

/** A stub procfs whose ip_unprivileged_port_start changes between validation and write (a race). */
function racingIo(): ProcfsIo {
  const starts = ['1024\n', '2000\n'];
  return {
    source: 'stub',
    readPortRange: () => ({ low: 32768, high: 60999 }),
    readRangeAndReserved: () => ({ range: { low: 32768, high: 60999 }, reservedText: '\n' }),
    read: (knob: KnobName) => (knob === 'ip_unprivileged_port_start' ? (starts.shift() ?? '2000\n') : '\n'),
    exchange: () => {
      throw new EphemeralPortsError('EINVAL', 'write failed', {
        errno: 22,
        syscall: 'write',
        path: '/proc/sys/net/ipv4/ip_local_port_range',
        remedy: 'the kernel refused the value',
      });
    },
  };
}

describe('linux backend logic (stubbed procfs)', () => {
  it('a kernel EINVAL carries the reason core finds against the live limits', async () => {
    const backend = createProcfsBackend(racingIo(), {});
    await expect(backend.setRange({ low: 1500, high: 50001 })).rejects.toMatchObject({
      code: 'EINVAL',
      errno: -22,
      syscall: 'write',
      remedy: expect.stringContaining('ip_unprivileged_port_start (2000)'),
      violations: [expect.objectContaining({ code: 'RANGE_BELOW_UNPRIVILEGED_START' })],
    });
  });

  it('a read-back that differs from what was written is ERR_EPHEMERAL_READBACK_MISMATCH', async () => {
    const io: ProcfsIo = {
      ...racingIo(),
      read: () => '1024\n',
      exchange: () => ({ previous: '32768\t60999\n', current: '40000\t40001\n' }),
    };
    await expect(createProcfsBackend(io, {}).setRange({ low: 40000, high: 50001 })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_READBACK_MISMATCH',
    });
  });

  it('a kernel without ip_unprivileged_port_start (before 4.11) has no such constraint', async () => {
    const io: ProcfsIo = {
      ...racingIo(),
      read: () => {
        throw new EphemeralPortsError('ENOENT', 'missing', {
          errno: 2,
          syscall: 'open',
          path: '/proc/sys/net/ipv4/ip_unprivileged_port_start',
        });
      },
    };
    expect(await createProcfsBackend(io, {}).getConstraints()).toEqual({});
  });
});
