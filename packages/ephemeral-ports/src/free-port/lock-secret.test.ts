import { describe, expect, it } from 'vitest';
import { privateLockName } from './lock-secret.js';

/** The key 00 01 … 0f of the SipHash paper's test vectors (Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A; vectors.h of the reference code). */
const REFERENCE_KEY = Buffer.from([...Array(16).keys(), ...Array(16).fill(0xee)]);

describe('privateLockName', () => {
  it('tags names with SipHash-2-4 of "port/<P>" under the secret (reference vectors: the key is read as the reference reads it)', async () => {
    const { default: siphash } = await import('siphash');
    const key = new Uint32Array([0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);
    // Reference outputs for the empty message and for the one byte 00, as 64-bit little-endian values.
    expect(siphash.hash_hex(key, new Uint8Array(0))).toBe('726fdb47dd0e0e31');
    expect(siphash.hash_hex(key, new Uint8Array([0]))).toBe('74f839c593dc67fd');
    expect(privateLockName(3000, REFERENCE_KEY, 1000)).toBe(`\0ephemeral-ports/v3/uid/1000/${siphash.hash_hex(key, 'port/3000')}`.padEnd(108, '\0'));
  });

  it('depends on every byte of the key half it uses, and differs per port and per uid', () => {
    const names = new Set<string>();
    for (let byte = 0; byte < 16; byte++) {
      const secret = Buffer.from(REFERENCE_KEY);
      secret[byte] = secret[byte]! ^ 1;
      names.add(privateLockName(3000, secret, 1000));
    }
    names.add(privateLockName(3000, REFERENCE_KEY, 1000));
    names.add(privateLockName(3001, REFERENCE_KEY, 1000));
    expect(names.size).toBe(18);
    expect(privateLockName(3000, REFERENCE_KEY, 1001)).not.toBe(privateLockName(3000, REFERENCE_KEY, 1000));
  });
});
