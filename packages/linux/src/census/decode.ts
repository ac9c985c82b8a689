/** Turns the addon's census records (see native-census.ts) into core's SocketEntry objects. */
import type { CensusOptions, SocketEntry } from '@ephemeral-ports/core';
import { AddressCache } from './address.js';
import { RECORD } from './native-census.js';
import { stateName } from './states.js';

export function decodeRecords(buffer: ArrayBuffer): SocketEntry[] {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const cache = new AddressCache(bytes);
  const count = Math.floor(buffer.byteLength / RECORD.size);
  const out: SocketEntry[] = new Array<SocketEntry>(count);
  for (let i = 0; i < count; i++) {
    const o = i * RECORD.size;
    const protocol = bytes[o + RECORD.protocol] === 17 ? 'udp' : 'tcp';
    const v6 = bytes[o + RECORD.family] === 6;
    const entry: SocketEntry = {
      protocol,
      family: v6 ? 6 : 4,
      state: stateName(protocol, bytes[o + RECORD.state]!),
      localAddress: v6 ? cache.ipv6(o + RECORD.localAddress, view) : cache.ipv4(o + RECORD.localAddress),
      localPort: view.getUint16(o + RECORD.localPort, true),
      remoteAddress: v6 ? cache.ipv6(o + RECORD.remoteAddress, view) : cache.ipv4(o + RECORD.remoteAddress),
      remotePort: view.getUint16(o + RECORD.remotePort, true),
      inode: view.getUint32(o + RECORD.inode, true),
      uid: view.getUint32(o + RECORD.uid, true),
    };
    out[i] = entry;
  }
  return out;
}

/** The addon request for a set of census options (defaults: both protocols, both families). */
export function nativeRequest(options: CensusOptions): { netns?: string; tcp: boolean; udp: boolean; v4: boolean; v6: boolean } {
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
