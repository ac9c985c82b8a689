/**
 * Availability is checked the way the bugs demand, on the real kernel: a port held on any one address (0.0.0.0,
 * ::, 127.0.0.1, ::1), by TCP or UDP, is refused with the reason; a machine without IPv6 still allocates; a port in
 * ip_local_reserved_ports is never handed out.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkPort, clearLockedPorts, getFreePort, type PortRejection } from 'ephemeral-ports';
import { type Netns, NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { runChild, startChild, sysctl } from './child.js';

const isLinux = process.platform === 'linux';
const hasIpv6Loopback = isLinux && Object.values((await import('node:os')).networkInterfaces()).flat().some((i) => i?.address === '::1');

/** Holds `host:port` (v6 sockets v6-only, so the holder covers exactly one address). Returns the closer. */
async function hold(protocol: 'tcp' | 'udp', host: string, port: number): Promise<() => Promise<void>> {
  if (protocol === 'udp') {
    const v6 = net.isIPv6(host);
    const socket = dgram.createSocket(v6 ? { type: 'udp6', ipv6Only: true } : { type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address: host }, () => resolve());
    });
    return () => new Promise((resolve) => socket.close(() => resolve()));
  }
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: true }, () => resolve());
  });
  return () => new Promise((resolve) => server.close(() => resolve()));
}

describe.runIf(isLinux && hasIpv6Loopback)('bind probes per address (Linux, this netns; needs an IPv6 loopback)', () => {
  afterEach(() => void clearLockedPorts());
  const cases = (['tcp', 'udp'] as const).flatMap((protocol) =>
    ['0.0.0.0', '::', '127.0.0.1', '::1'].map((host) => ({ protocol, host })),
  );

  for (const { protocol, host } of cases) {
    it(`a ${protocol} socket on ${host} only: refused as in-use by the default and the explicit plan`, async () => {
      const port = await getFreePort({ protocol: 'both' });
      clearLockedPorts();
      const close = await hold(protocol, host, port);
      try {
        for (const addresses of ['auto', 'all'] as const) {
          const check = await checkPort(port, { protocol, addresses });
          expect(check.free, `${addresses}: ${JSON.stringify(check)}`).toBe(false);
          expect(check.rejection).toMatchObject({ reason: 'in-use', code: 'EADDRINUSE', protocol });
          const rejections: PortRejection[] = [];
          const got = await getFreePort({ port, protocol, addresses, onReject: (r) => rejections.push(r) });
          expect(got).not.toBe(port);
          expect(rejections[0]).toMatchObject({ port, reason: 'in-use' });
        }
        // The other transport does not care.
        const other = protocol === 'tcp' ? 'udp' : 'tcp';
        expect((await checkPort(port, { protocol: other })).free).toBe(true);
        // `both` needs the two.
        expect((await checkPort(port, { protocol: 'both' })).free).toBe(false);
      } finally {
        await close();
      }
      expect((await checkPort(port, { protocol })).free).toBe(true);
    });
  }
});

interface Allocated {
  results: { port: number; probes: { protocol: string; address: string; result: string; code?: string }[] }[];
  rejections: PortRejection[];
}
interface Checked {
  results: { port: number; free: boolean; rejection?: PortRejection }[];
}

describe.runIf(canUseNetns)(`free ports in private namespaces ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
  });
  afterAll(async () => ns?.close());

  it('a port taken on ::1 only is not handed out (TCP and UDP)', async () => {
    for (const protocol of ['tcp', 'udp'] as const) {
      const port = 15_000 + (protocol === 'tcp' ? 1 : 2);
      const holder = await startChild(ns, { mode: 'listen', protocol, host: '::1', port });
      try {
        await holder.answer;
        const got = await runChild<Allocated>(ns, { mode: 'allocate', options: { port, protocol } });
        expect(got.results[0]!.port).not.toBe(port);
        expect(got.rejections[0]).toMatchObject({ port, reason: 'in-use', code: 'EADDRINUSE', protocol });
      } finally {
        await holder.stop();
      }
    }
  });

  it('ports in ip_local_reserved_ports are never handed out, even when preferred', async () => {
    await sysctl(ns, 'net.ipv4.ip_local_reserved_ports', '16000-16089,16095');
    const range = { low: 16_000, high: 16_099 };
    // 9 free ports remain in the range besides the reserved ones: take them all, preferring a reserved one first.
    const got = await runChild<Allocated>(ns, { mode: 'allocate', count: 9, options: { range, port: 16_050 } });
    const ports = got.results.map((r) => r.port).sort((a, b) => a - b);
    expect(ports).toEqual([16_090, 16_091, 16_092, 16_093, 16_094, 16_096, 16_097, 16_098, 16_099]);
    expect(got.rejections.find((r) => r.port === 16_050)?.reason).toBe('reserved');
    const checked = await runChild<Checked>(ns, { mode: 'check', ports: [16_000, 16_095] });
    expect(checked.results.map((r) => r.rejection?.reason)).toEqual(['reserved', 'reserved']);
    const none = await runChild<Allocated>(ns, { mode: 'allocate', count: 10, options: { range } }).catch((e: Error) => e);
    expect(String(none)).toContain('ERR_EPHEMERAL_NO_FREE_PORT');
    await sysctl(ns, 'net.ipv4.ip_local_reserved_ports', '');
  });

  it('with IPv6 disabled (net.ipv6.conf.all.disable_ipv6=1) it still allocates, skipping the absent addresses', async () => {
    const v4only = await createNetns();
    try {
      await sysctl(v4only, 'net.ipv6.conf.all.disable_ipv6', '1');
      await sysctl(v4only, 'net.ipv6.conf.default.disable_ipv6', '1');
      for (const addresses of ['auto', 'all'] as const) {
        const got = await runChild<Allocated>(v4only, { mode: 'allocate', count: 3, options: { addresses, protocol: 'both' } });
        expect(got.results).toHaveLength(3);
        const probes = got.results[0]!.probes;
        expect(probes.some((p) => p.result === 'bound' && p.protocol === 'tcp')).toBe(true);
        expect(probes.some((p) => p.result === 'bound' && p.protocol === 'udp')).toBe(true);
        expect(probes.every((p) => p.result !== 'taken')).toBe(true);
        if (addresses === 'all') expect(probes).toContainEqual({ protocol: 'tcp', address: '::1', result: 'skipped', code: 'EADDRNOTAVAIL' });
      }
    } finally {
      await v4only.close();
    }
  });
});
