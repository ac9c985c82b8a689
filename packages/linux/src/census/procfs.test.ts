import { describe, expect, it } from 'vitest';
import { parseProcNetTable, procNetDir } from './procfs.js';

// Captured from a Linux 6.x x86-64 host (little-endian words).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:A000 0000000000000000FFFF00000100007F:1F91 01 00000000:00000000 00:00000000 00000000  1000        0 778 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0000000000000000 0
  101: 0100007F:C000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 1000 2 0000000000000000 0
`;

describe('/proc/net table parser', () => {
  it('parses IPv4 TCP rows, states and ports', () => {
    expect(parseProcNetTable(TCP, 'tcp', 4)).toEqual([
      { protocol: 'tcp', family: 4, state: 'LISTEN', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, uid: 0, inode: 123456 },
      { protocol: 'tcp', family: 4, state: 'TIME_WAIT', localAddress: '127.0.0.1', localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 8080, uid: 0, inode: 0 },
    ]);
  });

  it('parses IPv6 rows whose words are in host byte order, including v4-mapped addresses', () => {
    const rows = parseProcNetTable(TCP6, 'tcp', 6);
    expect(rows.map((r) => [r.state, r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.uid])).toEqual([
      ['LISTEN', '::1', 8081, '::', 0, 1000],
      ['ESTABLISHED', '::ffff:127.0.0.1', 40960, '::ffff:127.0.0.1', 8081, 1000],
    ]);
  });

  it('maps UDP states to UNCONN / ESTABLISHED', () => {
    expect(parseProcNetTable(UDP, 'udp', 4).map((r) => [r.state, r.localPort, r.remotePort])).toEqual([
      ['UNCONN', 53, 0],
      ['ESTABLISHED', 49152, 53],
    ]);
  });

  it('reads another namespace only through /proc/<pid>/net', () => {
    expect(procNetDir(undefined)).toBe('/proc/self/net');
    expect(procNetDir('/proc/1234/ns/net')).toBe('/proc/1234/net');
    expect(() => procNetDir('/run/netns/blue')).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', path: '/run/netns/blue' }));
  });
});
