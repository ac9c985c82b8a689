/**
 * Keyed hashes for the hash-based models (RFC 6056 F and G; Linux's secure_ipv4_port_ephemeral). Kernels use
 * MD5 (RFC 6056's example) or SipHash with a boot-time secret; a simulator only needs a well-mixed, keyed,
 * deterministic function, so the default is a murmur3-style 32-bit hash. Callers can plug in their own.
 */
import { mix32 } from './prng.js';

/** The connection identifiers the hash-based algorithms feed to F and G. */
export interface ConnectionKey {
  /** Local (source) address. Default '0.0.0.0'. */
  localAddress?: string;
  /** Remote (destination) address. Default '0.0.0.0'. */
  remoteAddress?: string;
  /** Remote (destination) port. Default 0. */
  remotePort?: number;
}

/** A keyed hash: same key and secret → same unsigned 32-bit value. */
export type KeyedHash = (key: ConnectionKey, secret: number) => number;

/** murmur3-like hash of the key's fields; not cryptographic (see module comment). */
export const defaultKeyedHash: KeyedHash = (key, secret) => {
  // Field by field, without building a string: this runs once or twice per simulated connect().
  const local = key.localAddress ?? '0.0.0.0';
  const remote = key.remoteAddress ?? '0.0.0.0';
  let h = secret | 0;
  for (let i = 0; i < local.length; i++) h = step(h, local.charCodeAt(i));
  h = step(h, 0x7c); // '|' keeps ("ab", "c") apart from ("a", "bc")
  for (let i = 0; i < remote.length; i++) h = step(h, remote.charCodeAt(i));
  h = step(h, key.remotePort ?? 0);
  return mix32(h ^ (local.length + remote.length + 2));
};

function step(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

/** Stable string form of a key, for 4-tuple bookkeeping. */
export function keyId(key: ConnectionKey): string {
  return `${key.localAddress ?? '0.0.0.0'}|${key.remoteAddress ?? '0.0.0.0'}|${key.remotePort ?? 0}`;
}
