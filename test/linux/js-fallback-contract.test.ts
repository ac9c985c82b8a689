/**
 * The backend contract against the pure-JS fallback. Node cannot setns(), so the fallback only acts in its own
 * namespace: the outer test starts a child vitest inside a fresh netns (nsenter), which runs this same file
 * with EPHEMERAL_PORTS_FORCE_JS=1; the outer test passes only if every inner contract test passed.
 */
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as vitest from 'vitest';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { NETNS_REQUIREMENT, ROOT_DIR, canUseNetns, createNetns } from '../helpers/netns.js';
import { sysctlRangeHere } from './sysctl-oracle.js';

const INNER_ENV = 'EPHEMERAL_PORTS_TEST_INNER_NETNS';
const innerNetns = process.env[INNER_ENV];

if (innerNetns !== undefined) {
  // Inner run: refuse to touch any namespace but the private one the outer test made.
  if (readlinkSync('/proc/self/ns/net') !== readlinkSync(innerNetns)) {
    throw new Error(`inner contract run is not inside ${innerNetns}; refusing to change this namespace's range`);
  }
  describe('inside the private netns', () => {
    it('uses the JS fallback because EPHEMERAL_PORTS_FORCE_JS=1', () => {
      const info = createLinuxBackend().info();
      expect(info.implementation).toBe('js-fallback');
      expect(info.fallbackReason).toContain('EPHEMERAL_PORTS_FORCE_JS');
      expect(info.supportsNetns).toBe(false);
    });
    describeBackendContract('linux JS fallback (real kernel, own netns)', async () => ({
      backend: createLinuxBackend(),
      oracle: () => sysctlRangeHere(),
    }), vitest);
  });
} else {
  describe.runIf(canUseNetns)(`linux JS fallback ${NETNS_REQUIREMENT}`, () => {
    it('passes the backend contract in a child vitest inside a fresh netns', async () => {
      const ns = await createNetns();
      const dir = mkdtempSync(join(tmpdir(), 'ephports-jscontract-'));
      try {
        const report = join(dir, 'report.json');
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
        const result = await ns.exec(
          process.execPath,
          // The ESM form of the repo's configuration, which every Node of the matrix can load (scripts/node-matrix.mjs).
          [join(ROOT_DIR, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT_DIR, 'scripts/node-matrix.vitest.config.mts'),
            fileURLToPath(import.meta.url), '--reporter=json', `--outputFile=${report}`],
          { env: { ...env, [INNER_ENV]: ns.path, EPHEMERAL_PORTS_FORCE_JS: '1', EPHEMERAL_PORTS_SYSCTL_DIR: dir } },
        );
        const json = JSON.parse(readFileSync(report, 'utf8')) as {
          numTotalTests: number;
          numPassedTests: number;
          numFailedTests: number;
          numPendingTests: number;
          testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
        };
        const failures = json.testResults
          .flatMap((f) => f.assertionResults)
          .filter((a) => a.status !== 'passed')
          .map((a) => `${a.fullName}: ${a.status} ${a.failureMessages.join('\n')}`);
        expect(failures, result.stderr).toEqual([]);
        expect(json.numFailedTests).toBe(0);
        expect(json.numPendingTests).toBe(0);
        // 40 contract tests + the implementation check.
        expect(json.numPassedTests).toBeGreaterThanOrEqual(41);
        expect(result.code).toBe(0);
      } finally {
        await ns.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  });
}
