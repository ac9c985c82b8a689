/** Types for the `siphash` package (SipHash-2-4 by Frank Denis), which ships none: the functions lock-secret.ts uses. */
declare module 'siphash' {
  /** The 64-bit SipHash-2-4 of `message` under the 128-bit `key` (four little-endian words), as 16 hex digits. */
  export function hash_hex(key: Uint32Array, message: string | Uint8Array): string;
  const siphash: { hash_hex: typeof hash_hex };
  export default siphash;
}
