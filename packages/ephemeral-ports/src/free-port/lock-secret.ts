/**
 * Linux lock names that other users cannot predict: the name of port P's per-user lock is a keyed pseudo-random
 * function of P under a secret only this uid can read (`lock-secret`, 32 random bytes, mode 0600, in the private
 * directory). Another user cannot compute the name of a port this user has not locked yet, so it cannot squat it in
 * advance.
 *
 * The function is SipHash-2-4 (a PRF designed for short inputs, 128-bit key) rather than HMAC-SHA256: it needs no
 * `node:crypto`, whose loading would dominate a get-port user's first call. `node:crypto` is loaded only to create
 * a secret, once per user.
 */
import { closeSync, constants, fstatSync, fsyncSync, linkSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import siphash from 'siphash';
import { fullLengthAbstractName } from './abstract-name.js';
import { effectiveUid, ensurePrivateDirectory, privateDirectoryPath, unsafeDirectory } from './private-directory.js';

const SECRET_BYTES = 32;
const codeOf = (error: unknown): string => (error as { code?: string } | null)?.code ?? 'UNKNOWN';

/** Reads the secret at `path` (never through a symlink); undefined when there is none yet. */
function readSecret(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw unsafeDirectory(path, `cannot open the lock secret (${codeOf(error)})`, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== effectiveUid() || (stat.mode & 0o077) !== 0 || stat.size !== SECRET_BYTES) {
      throw unsafeDirectory(path, 'the lock secret is not a 32-byte file of this user readable by it alone');
    }
    const secret = Buffer.alloc(SECRET_BYTES);
    if (readSync(fd, secret, 0, SECRET_BYTES, 0) !== SECRET_BYTES) throw unsafeDirectory(path, 'the lock secret is short');
    return secret;
  } finally {
    closeSync(fd);
  }
}

/** Writes a new secret under a random name, then links it into place: readers never see a partial file. */
function createSecret(path: string): void {
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, randomBytes(SECRET_BYTES));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    // EEXIST: another process of this user won the race; its secret is the one everyone reads.
    if (codeOf(error) !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** This uid's lock secret, created on first use. Throws `ERR_EPHEMERAL_UNSAFE_LOCK_DIR` when it cannot be trusted. */
export function loadLockSecret(directory: string = privateDirectoryPath()): Buffer {
  const path = join(ensurePrivateDirectory(directory), 'lock-secret');
  const existing = readSecret(path);
  if (existing) return existing;
  createSecret(path);
  const created = readSecret(path);
  if (!created) throw unsafeDirectory(path, 'the lock secret vanished after it was created');
  return created;
}

/** A fresh secret that is never stored (when the lock directory cannot be trusted). */
export function processSecret(): Buffer {
  return process.getBuiltinModule('node:crypto').randomBytes(SECRET_BYTES);
}

/** SipHash's 128-bit key: the secret's first 16 bytes as four little-endian words (the reference's byte order). */
const keys = new WeakMap<Buffer, Uint32Array>();
function sipKey(secret: Buffer): Uint32Array {
  let key = keys.get(secret);
  if (key === undefined) {
    key = new Uint32Array([secret.readUInt32LE(0), secret.readUInt32LE(4), secret.readUInt32LE(8), secret.readUInt32LE(12)]);
    keys.set(secret, key);
  }
  return key;
}

/** The message `port/<P>` as ASCII bytes, in one reused buffer (this runs once per lock). */
const message = new Uint8Array(16);
message.set([0x70, 0x6f, 0x72, 0x74, 0x2f]); // "port/"
function portMessage(port: number): Uint8Array {
  const digits = String(port);
  for (let i = 0; i < digits.length; i++) message[5 + i] = digits.charCodeAt(i);
  return message.subarray(0, 5 + digits.length);
}

/** The abstract name of `port`'s lock for this uid under `secret` (v3: SipHash tags; v2 used HMAC-SHA256). */
export function privateLockName(port: number, secret: Buffer, uid: number = effectiveUid()): string {
  return fullLengthAbstractName(`\0ephemeral-ports/v3/uid/${uid}/${siphash.hash_hex(sipKey(secret), portMessage(port))}`);
}
