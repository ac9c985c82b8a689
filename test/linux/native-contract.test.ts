import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import * as vitest from 'vitest';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { sysctlRange } from './sysctl-oracle.js';

describe.runIf(canUseNetns)(`linux native addon, a fresh netns per test ${NETNS_REQUIREMENT}`, () => {
  let sysctlDir: string;
  beforeAll(() => {
    // persist* must never touch the real /etc/sysctl.d from a test.
    sysctlDir = mkdtempSync(join(tmpdir(), 'ephports-sysctl-'));
    process.env.EPHEMERAL_PORTS_SYSCTL_DIR = sysctlDir;
  });
  afterAll(() => {
    delete process.env.EPHEMERAL_PORTS_SYSCTL_DIR;
    rmSync(sysctlDir, { recursive: true, force: true });
  });

  describeBackendContract('linux native (real kernel, netns option)', async () => {
    const ns = await createNetns();
    return {
      backend: createLinuxBackend({ netns: ns.path, implementation: 'native' }),
      oracle: () => sysctlRange(ns),
      cleanup: () => ns.close(),
    };
  }, vitest);
});
