/** Listening ports for the set safety rail: the /proc/net fallback reader and the census path. */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from 'ephemeral-ports/testing';
import { listeningPorts, parseListening, readProcNet } from '../../packages/ephemeral-ports/src/listening-ports.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3 2 0 0
  101: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 4 2 0 0
  102: 0100007F:A001 0100007F:0035 07 00000000:00000000 00:00000000 00000000     0        0 5 2 0 0
`;

describe('listening ports', () => {
  it('parses LISTEN rows of /proc/net/tcp and unconnected UDP rows only', () => {
    expect(parseListening(TCP, '0A')).toEqual([8080]);
    // 0xA001 has state 07 but a remote port: connected, not listening.
    expect(parseListening(UDP, '07')).toEqual([53]);
  });

  it.runIf(process.platform === 'linux')('reads live sockets from /proc/self/net (Linux only)', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind({ port: 0, address: '127.0.0.1' }, r));
    try {
      const ports = await readProcNet('/proc/self/net');
      expect(ports.has((server.address() as { port: number }).port)).toBe(true);
      expect(ports.has(udp.address().port)).toBe(true);
    } finally {
      server.close();
      udp.close();
    }
  });

  it('says when it cannot know (a backend without census on another OS)', async () => {
    const r = await listeningPorts(createMemoryBackend({ os: 'darwin', range: { low: 49152, high: 65535 } }));
    expect(r).toMatchObject({ source: 'unavailable' });
    expect(r.unavailableReason).toContain('no socket census');
    expect(r.ports.isEmpty).toBe(true);
  });

  it.runIf(process.platform === 'linux')('uses /proc/<pid>/net for a /proc/<pid>/ns/net namespace, and refuses other paths without a census (Linux only)', async () => {
    const memory = createMemoryBackend({ os: 'linux' });
    expect((await listeningPorts(memory)).unavailableReason).toContain('not this machine');
    // A kernel backend without a census (e.g. an old build): the /proc fallback.
    const linux = { ...memory, info: () => ({ ...memory.info(), implementation: 'native' }) };
    const own = await listeningPorts(linux, `/proc/${process.pid}/ns/net`);
    expect(own.source).toBe(`procfs:/proc/${process.pid}/net`);
    const named = await listeningPorts(linux, '/run/netns/blue');
    expect(named.source).toBe('unavailable');
  });
});
