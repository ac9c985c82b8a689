/**
 * The kernel release, as `uname -r` and `os.release()` report it: uname(2) through the addon when it is loaded (the
 * backend loads it anyway), else /proc/sys/kernel/osrelease (the same utsname field), else node:os. Not node:os
 * first: it is not loaded at startup, and neither it nor a first readFileSync is free in a cold start
 * (bench/suites/cold-start.ts). Read once; the release cannot change while the process runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | undefined;

export function kernelRelease(binding?: { kernelRelease(): string }): string {
  if (cached !== undefined) return cached;
  try {
    cached = binding ? binding.kernelRelease() : readFileSync('/proc/sys/kernel/osrelease', 'latin1').trim();
  } catch {
    // No procfs here (then little else works either): ask uname(2) through node:os.
    cached = (createRequire('/')('node:os') as typeof import('node:os')).release();
  }
  return cached;
}
