/**
 * `ephemeral-ports usage` starts its socket dump before the CLI loads (packages/ephemeral-ports/src/cli/early-census.ts,
 * packages/linux/src/census/early.ts). On the real kernel, inside a private namespace holding known connections: the
 * built CLI run in that namespace takes the early dump (NODE_DEBUG says so) and reports exactly what the library's
 * own census reports; every command line whose census differs starts nothing early.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { usage } from 'ephemeral-ports';
import { useBackend } from 'ephemeral-ports/testing';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, ROOT_DIR, type Netns } from '../helpers/netns.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

const BIN = join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js');
const STARTED = 'census: started early';
const TAKEN = 'census: taking the early census';
const DEST_PORT = 9100;
const CONNECTIONS = 40;
/** As a user's shell starts it, with the debug log on (no NODE_OPTIONS, no tsx, no backend override). */
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NODE_DEBUG: 'ephemeral-ports', NO_COLOR: '1' };

describe.runIf(canUseNetns)(`usage takes a census started before the CLI loaded ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let workload: Workload<{ ready: boolean; opened: number; error: string | null }>;

  beforeAll(async () => {
    ns = await createNetns();
    workload = await startWorkload(ns, 'test/census/fixtures/exhaustion-workload.mjs', [String(DEST_PORT), String(CONNECTIONS)]);
    useBackend(createLinuxBackend());
  });
  afterAll(async () => {
    useBackend(undefined);
    await workload?.stop();
    await ns?.close();
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = ENV) => ns.exec(process.execPath, [BIN, ...args], { env });

  it('usage --json in the namespace takes the early dump and reports what usage() reports', async () => {
    expect(workload.info.opened).toBe(CONNECTIONS);
    const r = await cli(['usage', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(STARTED);
    expect(r.stderr).toContain(TAKEN);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    const library = JSON.parse(JSON.stringify(await usage({ netns: ns.path }))) as Record<string, unknown>;
    for (const key of ['total', 'byState', 'portsInUse', 'destinations', 'listenersInRange', 'boundInactive', 'source']) {
      expect(report[key], key).toEqual(library[key]);
    }
    expect(report.byState).toMatchObject({ tcp: { LISTEN: 1, ESTABLISHED: 2 * CONNECTIONS } });
    expect(report.destinations).toEqual([expect.objectContaining({ remotePort: DEST_PORT, used: CONNECTIONS })]);
  });

  it('the text report and --top take it too', async () => {
    const r = await cli(['usage', '--top', '3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(TAKEN);
    expect(r.stdout).toMatch(new RegExp(`ESTABLISHED ${2 * CONNECTIONS}`));
  });

  it.each([
    [['usage', '--processes', '--json']],
    [['usage', '--method', 'netlink', '--json']],
    [['usage', '--help']],
    [['get', '--json']],
  ])('%j starts nothing early', async (args) => {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(STARTED);
  });

  it('from outside, --netns starts nothing early and still reports the namespace', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'usage', '--netns', ns.path, '--json'], { env: ENV }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(STARTED);
    expect(JSON.parse(r.stdout)).toMatchObject({ byState: { tcp: { ESTABLISHED: 2 * CONNECTIONS } } });
  });

  it('with the JS fallback forced, nothing starts early and the census is /proc', async () => {
    const r = await cli(['usage', '--json'], { ...ENV, EPHEMERAL_PORTS_FORCE_JS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(STARTED);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: expect.stringContaining('proc'), byState: { tcp: { ESTABLISHED: 2 * CONNECTIONS } } });
  });
});
