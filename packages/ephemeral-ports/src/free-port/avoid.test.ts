import { type EphemeralPortsBackend, PortSet, createMemoryBackend } from '@ephemeral-ports/core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../backend.js';
import { clearAvoidCache } from './avoid.js';
import { type PortRejection, checkPort, clearLockedPorts, getFreePortDetailed } from './index.js';

function install(backend: EphemeralPortsBackend): void {
  useBackend(backend);
  clearAvoidCache();
}

/** Every port getFreePortDetailed hands out within `range` (ascending order), until none is left. */
async function drain(range: { low: number; high: number }, extra: object = {}): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    try {
      out.push((await getFreePortDetailed({ range, order: 'ascending', addresses: 'all', ...extra })).port);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_NO_FREE_PORT' });
      return out;
    }
  }
}

describe('what getFreePort avoids, read through the facade backend (memory backend)', () => {
  afterEach(() => {
    clearLockedPorts();
    useBackend(undefined);
    clearAvoidCache();
  });

  it('the live ephemeral range and the reserved ports, with their source', async () => {
    install(createMemoryBackend({ os: 'linux', range: { low: 30_010, high: 30_989 }, reserved: PortSet.fromPorts([30_003]) }));
    const ports = await drain({ low: 30_000, high: 30_999 });
    expect(ports).toEqual([30_000, 30_001, 30_002, 30_004, 30_005, 30_006, 30_007, 30_008, 30_009,
      30_990, 30_991, 30_992, 30_993, 30_994, 30_995, 30_996, 30_997, 30_998, 30_999]);
    const r = await getFreePortDetailed({ range: { low: 31_000, high: 31_010 } });
    expect(r.avoided).toMatchObject({
      ephemeral: [{ protocol: 'tcp', range: { low: 30_010, high: 30_989 }, source: 'memory' }],
      reserved: '30003',
      reservedKind: 'reserved',
      privilegedBelow: 1024,
    });
    expect(r.warnings).toEqual([]);
  });

  it('each avoid-list can be switched off; avoid.ports adds more', async () => {
    install(createMemoryBackend({ os: 'linux', range: { low: 30_002, high: 30_999 }, reserved: PortSet.fromPorts([30_000]) }));
    expect(await drain({ low: 30_000, high: 30_003 }, { avoid: { reserved: false, ports: [30_001] } })).toEqual([30_000]);
    clearLockedPorts();
    expect(await drain({ low: 30_000, high: 30_003 }, { avoid: { ephemeral: false } })).toEqual([30_001, 30_002, 30_003]);
  });

  it('preferred ports are refused with the reason', async () => {
    install(createMemoryBackend({ os: 'linux', range: { low: 40_000, high: 49_999 }, reserved: PortSet.fromPorts([8081]) }));
    const rejections: PortRejection[] = [];
    const r = await getFreePortDetailed({ port: [80, 8081, 45_000, 8082], exclude: [8082], onReject: (x) => rejections.push(x) });
    expect(rejections.map((x) => [x.port, x.reason])).toEqual([
      [80, 'privileged'],
      [8081, 'reserved'],
      [45_000, 'ephemeral'],
      [8082, 'excluded'],
    ]);
    expect(r.port < 40_000 || r.port > 49_999).toBe(true);
    expect((await checkPort(45_000)).rejection?.message).toContain('ephemeral range 40000-49999');
  });

  it('Windows excluded port ranges are avoided and named as such (emulated)', async () => {
    install(createMemoryBackend({ os: 'win32', range: { low: 49_152, high: 65_535 }, reserved: PortSet.of({ low: 5146, high: 5245 }) }));
    const check = await checkPort(5173);
    expect(check.rejection).toMatchObject({ reason: 'excluded-range' });
    expect(await drain({ low: 5140, high: 5250 })).toEqual([5140, 5141, 5142, 5143, 5144, 5145, 5246, 5247, 5248, 5249, 5250]);
  });

  it("UDP's own range is avoided too where it differs (AIX rules, emulated)", async () => {
    const backend = createMemoryBackend({ os: 'aix', range: { low: 32_768, high: 65_535 } });
    await backend.setRange({ low: 20_000, high: 29_999 }, { protocol: 'udp' });
    install(backend);
    const r = await getFreePortDetailed({ protocol: 'both', range: { low: 19_990, high: 30_010 } });
    expect(r.port < 20_000 || r.port > 29_999, `${r.port} inside the UDP range`).toBe(true);
    expect(r.avoided.ephemeral.map((e) => [e.protocol, e.range.low])).toEqual([['tcp', 32_768], ['udp', 20_000]]);
  });

  it("when the live range cannot be read, core's default for the OS is avoided and a warning says so", async () => {
    const memory = createMemoryBackend({ os: 'linux' });
    const broken: EphemeralPortsBackend = {
      ...memory,
      getRangeSync: undefined,
      async getRange() {
        throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      },
    };
    install(broken);
    const r = await getFreePortDetailed();
    expect(r.avoided.ephemeral[0]).toMatchObject({ source: 'default', range: { low: 32_768, high: 60_999 } });
    expect(r.warnings.map((w) => w.code)).toEqual(['RANGE_NOT_READ']);
    expect(r.warnings[0]!.message).toContain('EACCES');
    expect(r.port < 32_768 || r.port > 60_999).toBe(true);
  });
});
