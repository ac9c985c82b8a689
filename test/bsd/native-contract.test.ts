/**
 * The backend contract, run against @ephemeral-ports/freebsd and /darwin with the emulated addon: the shipped
 * native/bsd C++ linked against a sysctlbyname() double (no FreeBSD or macOS machine is available here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDarwinBackend } from '@ephemeral-ports/darwin';
import { createFreeBSDBackend } from '@ephemeral-ports/freebsd';
import type { BsdOs } from '@ephemeral-ports/core';
import { describeBackendContract } from '../contract/backend-contract.js';
import { FIRST, LAST, loadEmulatedAddon } from './emulated-addon.js';

const CREATE = { freebsd: createFreeBSDBackend, darwin: createDarwinBackend } as const;

for (const os of ['freebsd', 'darwin'] as const satisfies readonly BsdOs[]) {
  describeBackendContract(`${os} native addon (emulated: sysctlbyname double)`, async () => {
    const addon = loadEmulatedAddon();
    addon.double.reset(os);
    const dir = mkdtempSync(join(tmpdir(), `ep-${os}-`));
    return {
      backend: CREATE[os]({ addon, persistFile: join(dir, os === 'freebsd' ? 'sysctl.conf' : 'daemon.plist') }),
      oracle: () => {
        const [a, b] = [addon.double.get(FIRST)!, addon.double.get(LAST)!];
        return { low: Math.min(a, b), high: Math.max(a, b) };
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}
