/**
 * The Linux port facts (@ephemeral-ports/linux/port-facts) on a real kernel, in private network namespaces: what
 * they read is what was set with sysctl(8) and what the backend reads; the facade's free-port search avoids exactly
 * that when no backend is injected; and when the facts cannot be read, the search falls back to the backend, whose
 * own failure is reported as a warning, with core's default range avoided instead.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, type Netns, ROOT_DIR, SYSCTL, UNSHARE, canUseNetns, createNetns } from '../helpers/netns.js';

const FIXTURE = 'test/linux/fixtures/port-facts.mts';

interface Report {
  facts: { ephemeral: { protocol: string; range: { low: number; high: number }; source: string }[]; reserved: string; reservedKind: string; privilegedBelow: number } | { code: string };
  backend: { range: { low: number; high: number } | { code: string }; reserved: string; unprivilegedPortStart: number };
  avoided: { ephemeral: { protocol: string; range: { low: number; high: number }; source: string }[]; reserved: string; privilegedBelow: number };
  ports: number[];
  warnings: string[];
}

describe.runIf(canUseNetns)(`Linux port facts on the real kernel ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns | undefined;
  afterEach(async () => {
    await ns?.close();
    ns = undefined;
  });

  it("read what sysctl set, as the backend does, and are what the facade's search avoids", async () => {
    ns = await createNetns();
    await ns.writeRange(41_000, 51_000);
    for (const setting of ['net.ipv4.ip_local_reserved_ports=52000-52010,53000', 'net.ipv4.ip_unprivileged_port_start=900']) {
      const r = await ns.exec(SYSCTL, ['-q', '-w', setting]);
      expect(r.code, r.stderr).toBe(0);
    }
    const run = await ns.exec(process.execPath, ['--import', 'tsx', FIXTURE]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const range = { low: 41_000, high: 51_000 };
    expect(report.facts).toEqual({
      ephemeral: [
        { protocol: 'tcp', range, source: 'port-facts:procfs' },
        { protocol: 'udp', range, source: 'port-facts:procfs' },
      ],
      reserved: '52000-52010,53000',
      reservedKind: 'reserved',
      privilegedBelow: 900,
    });
    expect(report.backend).toEqual({ range, reserved: '52000-52010,53000', unprivilegedPortStart: 900 });
    expect(report.avoided).toMatchObject({ ephemeral: (report.facts as { ephemeral: unknown }).ephemeral, reserved: '52000-52010,53000', privilegedBelow: 900 });
    expect(report.warnings).toEqual([]);
    expect(report.ports).toHaveLength(50);
    for (const port of report.ports) {
      expect(port).toBeGreaterThanOrEqual(900);
      expect(port >= 41_000 && port <= 51_000).toBe(false);
      expect((port >= 52_000 && port <= 52_010) || port === 53_000).toBe(false);
    }
  });

  it('unreadable: the search asks the backend, which warns RANGE_NOT_READ and avoids the default range (unshare -n -m)', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        UNSHARE,
        ['-n', '-m', '--propagation', 'private', '--', process.execPath, '--import', 'tsx', FIXTURE, '--unreadable-range'],
        { cwd: ROOT_DIR },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.facts).toEqual({ code: 'ERR_EPHEMERAL_PARSE' });
    expect(report.backend.range).toEqual({ code: 'ERR_EPHEMERAL_PARSE' });
    // One per protocol (TCP and UDP share the one Linux range).
    expect(report.warnings).toEqual(['RANGE_NOT_READ', 'RANGE_NOT_READ']);
    // Core's default for this kernel: every new namespace starts from it (defaults.ts).
    const fallback = { range: { low: 32_768, high: 60_999 }, source: 'default' };
    expect(report.avoided.ephemeral).toEqual([{ protocol: 'tcp', ...fallback }, { protocol: 'udp', ...fallback }]);
    for (const port of report.ports) expect(port >= 32_768 && port <= 60_999).toBe(false);
  });
});
