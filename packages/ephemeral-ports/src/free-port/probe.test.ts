import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ALL_ADDRESSES, defaultProbePlan, interfaceAddressesPlan, probePort } from './probe.js';

const hasIpv6 = Object.values(networkInterfaces()).flat().some((i) => i?.address === '::1');

/** A port nobody holds right now (the kernel's choice), and a closer for a holder on `host` only. */
async function holdOn(host: string, ipv6Only = false): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, ipv6Only }, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('probe plans', () => {
  it("Linux: one dual-stack bind stands for every address; elsewhere every interface's address is bound too", () => {
    expect(defaultProbePlan('linux')).toEqual({ addresses: ['::', '0.0.0.0'], firstBoundSuffices: true });
    const plan = defaultProbePlan('darwin');
    expect(plan.firstBoundSuffices).toBe(false);
    expect(plan.addresses.slice(0, 4)).toEqual(ALL_ADDRESSES);
    for (const entry of Object.values(networkInterfaces()).flat()) expect(plan.addresses).toContain(entry!.address);
  });

  it('interface addresses come after the four, once each (emulated interface list)', () => {
    const entry = (address: string, family: 'IPv4' | 'IPv6') =>
      ({ address, family, netmask: '', mac: '', internal: false, cidr: null, scopeid: 0 }) as never;
    const plan = interfaceAddressesPlan({ lo0: [entry('127.0.0.1', 'IPv4'), entry('::1', 'IPv6')], en0: [entry('192.168.1.5', 'IPv4')] });
    expect(plan.addresses).toEqual(['::', '0.0.0.0', '127.0.0.1', '::1', '192.168.1.5']);
  });
});

describe.runIf(process.platform === 'linux')('probes on the real kernel (Linux, this netns)', () => {
  it('a free port is decided synchronously by the dual-stack bind', async () => {
    const { port, close } = await holdOn('127.0.0.1');
    await close();
    const report = probePort(port, ['tcp'], defaultProbePlan('linux'));
    expect(report).not.toBeInstanceOf(Promise);
    expect(report).toMatchObject({ free: true, outcomes: [{ protocol: 'tcp', address: '::', result: 'bound' }] });
  });

  it.runIf(hasIpv6)('test-bind options reach the bind: ipv6Only on :: ignores a holder on 0.0.0.0', async () => {
    const holder = await holdOn('0.0.0.0');
    try {
      const plan = { addresses: ['::'], firstBoundSuffices: false };
      expect(await probePort(holder.port, ['tcp'], plan)).toMatchObject({ free: false });
      expect(await probePort(holder.port, ['tcp'], { ...plan, testBind: { ipv6Only: true } })).toMatchObject({ free: true });
      // Without a host, ipv6Only cannot narrow the check: the single bind must still cover IPv4.
      expect(await probePort(holder.port, ['tcp'], { ...defaultProbePlan('linux'), testBind: { ipv6Only: true } })).toMatchObject({ free: false });
    } finally {
      await holder.close();
    }
  });
});
