/**
 * The kernel release, as `uname -r` and `os.release()` report it. Read from /proc/sys/kernel/osrelease (the same
 * utsname field): `node:os` is not loaded at startup, and requiring it would cost every cold start about half a
 * millisecond (bench/suites/cold-start.ts). Read once; the release cannot change while the process runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | undefined;

export function kernelRelease(): string {
  if (cached !== undefined) return cached;
  try {
    cached = readFileSync('/proc/sys/kernel/osrelease', 'latin1').trim();
  } catch {
    // No procfs here (then little else works either): ask uname(2) through node:os.
    cached = (createRequire('/')('node:os') as typeof import('node:os')).release();
  }
  return cached;
}
