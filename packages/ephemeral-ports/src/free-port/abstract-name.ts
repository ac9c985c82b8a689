/**
 * Abstract unix-socket names as every Node version binds them alike: padded with NULs to the whole sun_path (108
 * bytes on Linux). Node 20's libuv binds any abstract name padded that way, Node 22 and later bind the name's own
 * length, so a short name is two different kernel names on the two, and their locks would not exclude each other.
 * A name that already fills sun_path is the same 108 bytes to both, and to the addon (native/linux/abstract_lock.cc).
 */
export const SUN_PATH_BYTES = 108;

/** `name` (ASCII, starting with NUL) padded with NULs to {@link SUN_PATH_BYTES}. */
export function fullLengthAbstractName(name: string): string {
  return name.padEnd(SUN_PATH_BYTES, '\0');
}
