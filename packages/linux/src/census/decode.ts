/**
 * Turns the addon's census records (see native-census.ts) into core's SocketEntry objects.
 *
 * Hot path (tens of thousands of records): typed-array reads instead of DataView calls on little-endian hosts,
 * state names from lookup tables, and each distinct address formatted once (see AddressCache).
 */
import type { CensusAggregate, CensusOptions, DestinationKey, SocketEntry, SocketState } from '@ephemeral-ports/core';
import { AddressCache, LITTLE_ENDIAN } from './address.js';
import { RECORD, type NativeAggregate, type NativeCensusRequest } from './native-census.js';
import { stateName } from './states.js';

const TCP_NAMES: SocketState[] = Array.from({ length: 256 }, (_, s) => stateName('tcp', s));
const UDP_NAMES: SocketState[] = Array.from({ length: 256 }, (_, s) => stateName('udp', s));
const W = RECORD.size / 4; // 32-bit words per record
const H = RECORD.size / 2; // 16-bit halves per record

export function decodeRecords(buffer: ArrayBuffer): SocketEntry[] {
  const count = Math.floor(buffer.byteLength / RECORD.size);
  const bytes = new Uint8Array(buffer);
  const cache = new AddressCache(bytes);
  const out: SocketEntry[] = new Array<SocketEntry>(count);
  const view = new DataView(buffer);
  // Typed views read host order, which equals the records' little-endian order only on little-endian hosts.
  const u16 = LITTLE_ENDIAN ? new Uint16Array(buffer, 0, count * H) : undefined;
  const u32 = LITTLE_ENDIAN ? new Uint32Array(buffer, 0, count * W) : undefined;
  for (let i = 0; i < count; i++) {
    const o = i * RECORD.size;
    const udp = bytes[o + RECORD.protocol] === 17;
    const v6 = bytes[o + RECORD.family] === 6;
    const state = bytes[o + RECORD.state]!;
    let localPort: number, remotePort: number, inode: number, uid: number;
    if (u16 && u32) {
      localPort = u16[i * H + RECORD.localPort / 2]!;
      remotePort = u16[i * H + RECORD.remotePort / 2]!;
      inode = u32[i * W + RECORD.inode / 4]!;
      uid = u32[i * W + RECORD.uid / 4]!;
    } else {
      localPort = view.getUint16(o + RECORD.localPort, true);
      remotePort = view.getUint16(o + RECORD.remotePort, true);
      inode = view.getUint32(o + RECORD.inode, true);
      uid = view.getUint32(o + RECORD.uid, true);
    }
    const protocol = udp ? 'udp' : 'tcp';
    const family = v6 ? 6 : 4;
    const name = udp ? UDP_NAMES[state]! : TCP_NAMES[state]!;
    const localAddress = v6 ? cache.ipv6(o + RECORD.localAddress) : cache.ipv4(o + RECORD.localAddress);
    const remoteAddress = v6 ? cache.ipv6(o + RECORD.remoteAddress) : cache.ipv4(o + RECORD.remoteAddress);
    out[i] = { protocol, family, state: name, localAddress, localPort, remoteAddress, remotePort, inode, uid };
  }
  return out;
}

const PORTS = 65536;

/** The addon's counts (census.cc with `aggregate`) in core's form: only the few bound sockets become objects. */
export function decodeAggregate(native: NativeAggregate): CensusAggregate {
  const byState: CensusAggregate['byState'] = { tcp: {}, udp: {} };
  let total = 0;
  for (const slot of native.stateOrder) {
    const udp = slot >= 256;
    const states = udp ? byState.udp : byState.tcp;
    const name = udp ? UDP_NAMES[slot - 256]! : TCP_NAMES[slot]!;
    const n = native.states[slot]!;
    states[name] = (states[name] ?? 0) + n;
    total += n;
  }
  const bytes = new Uint8Array(native.destinations);
  const cache = new AddressCache(bytes);
  const destinations: DestinationKey[] = [];
  for (let o = 0; o + RECORD.size <= bytes.length; o += RECORD.size) {
    const v6 = bytes[o + RECORD.family] === 6;
    destinations.push({
      localAddress: v6 ? cache.ipv6(o + RECORD.localAddress) : cache.ipv4(o + RECORD.localAddress),
      remoteAddress: v6 ? cache.ipv6(o + RECORD.remoteAddress) : cache.ipv4(o + RECORD.remoteAddress),
      remotePort: bytes[o + RECORD.remotePort]! | (bytes[o + RECORD.remotePort + 1]! << 8),
    });
  }
  const ports = new Uint32Array(native.ports, 0, 3 * PORTS);
  return {
    total,
    byState,
    localPorts: { tcp: ports.subarray(0, PORTS), udp: ports.subarray(PORTS, 2 * PORTS), udpUnconnected: ports.subarray(2 * PORTS, 3 * PORTS) },
    bound: decodeRecords(native.bound),
    outgoing: { destinations, destination: native.connectionDestination, localPort: native.connectionPort, timeWait: native.connectionTimeWait },
  };
}

/** The addon request for a set of census options (defaults: both protocols, both families). */
export function nativeRequest(options: CensusOptions): NativeCensusRequest {
  const protocols = options.protocols ?? ['tcp', 'udp'];
  const families = options.families ?? [4, 6];
  return {
    ...(options.netns === undefined ? {} : { netns: options.netns }),
    tcp: protocols.includes('tcp'),
    udp: protocols.includes('udp'),
    v4: families.includes(4),
    v6: families.includes(6),
  };
}
