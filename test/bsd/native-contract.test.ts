import * as vitest from 'vitest';
/**
 * The backend contract, run against @ephemeral-ports/bsd (FreeBSD and macOS) with the emulated addon: the shipped
 * native/bsd C++ linked against a sysctlbyname() double (no FreeBSD or macOS machine is available here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BsdOs, createBackend } from '@ephemeral-ports/bsd';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { FIRST, LAST, loadEmulatedAddon } from './emulated-addon.js';

for (const os of ['freebsd', 'darwin'] as const satisfies readonly BsdOs[]) {
  describeBackendContract(`${os} native addon (emulated: sysctlbyname double)`, async () => {
    const addon = loadEmulatedAddon();
    addon.double.reset(os);
    const dir = mkdtempSync(join(tmpdir(), `ep-${os}-`));
    return {
      backend: createBackend({ os, addon, persistFile: join(dir, os === 'freebsd' ? 'sysctl.conf' : 'daemon.plist') }),
      oracle: () => {
        const [a, b] = [addon.double.get(FIRST)!, addon.double.get(LAST)!];
        return { low: Math.min(a, b), high: Math.max(a, b) };
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }, vitest);
}
