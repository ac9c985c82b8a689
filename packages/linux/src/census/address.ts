/**
 * Text forms of raw addresses: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run of two or
 * more groups compressed, IPv4-mapped as `::ffff:a.b.c.d`) — the forms `ss` and Node print.
 */

/**
 * This CPU's byte order, for the host-order words of the addon's records and of /proc/net: asked of a typed array
 * rather than node:os, which a census would otherwise load on its way to the kernel.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IPv4 from 4 network-order bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** IPv6 from 16 network-order bytes at `offset`. */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[offset + i]! << 8) | bytes[offset + i + 1]!);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/**
 * Memoizes address strings: a census of tens of thousands of sockets usually holds a handful of distinct
 * addresses, so each is formatted once. Keys are numbers (IPv4: the 32-bit value; IPv6: the last word, with the
 * other three compared on a hit), so a lookup allocates nothing.
 */
export class AddressCache {
  private readonly v4 = new Map<number, string>();
  private readonly v6 = new Map<number, Array<{ a: number; b: number; c: number; text: string }>>();

  constructor(private readonly bytes: Uint8Array) {}

  private word(offset: number): number {
    const b = this.bytes;
    return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
  }

  ipv4(offset: number): string {
    const key = this.word(offset);
    let text = this.v4.get(key);
    if (text === undefined) {
      text = formatIPv4(this.bytes, offset);
      this.v4.set(key, text);
    }
    return text;
  }

  ipv6(offset: number): string {
    const a = this.word(offset);
    const b = this.word(offset + 4);
    const c = this.word(offset + 8);
    const d = this.word(offset + 12);
    let bucket = this.v6.get(d);
    if (bucket === undefined) this.v6.set(d, (bucket = []));
    for (const e of bucket) if (e.a === a && e.b === b && e.c === c) return e.text;
    const text = formatIPv6(this.bytes, offset);
    bucket.push({ a, b, c, text });
    return text;
  }
}
