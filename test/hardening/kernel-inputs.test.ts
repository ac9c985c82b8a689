/**
 * Hostile or unusual kernel-side inputs, on the real kernel in private namespaces: a reserved-ports list longer
 * than any read buffer, a namespace path that names a FIFO, and `set --persist` against files that must be
 * refused (unparsable, read-only, a FIFO, a device, procfs). A refusal changes nothing and claims no rollback.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortSet } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { NETNS_REQUIREMENT, type Netns, ROOT_DIR, UNSHARE, canUseNetns, createNetns } from '../helpers/netns.js';
import { RESERVED_PORTS } from './fixtures/reserved-list-ports.js';

const FIXTURE = 'test/hardening/fixtures/reserved-list.mts';

describe.runIf(canUseNetns)(`reads and namespace paths on the real kernel ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    const wrote = await ns.exec(process.execPath, ['--import', 'tsx', FIXTURE, 'write']);
    expect(wrote.code, wrote.stderr).toBe(0);
  });
  afterAll(() => ns?.close());

  it('reads an ip_local_reserved_ports list longer than 64 KiB whole (native by netns path, native and JS inside)', async () => {
    const expected = PortSet.fromPorts(RESERVED_PORTS);
    expect(expected.toString().length).toBeGreaterThan(64 * 1024);
    const native = await createLinuxBackend({ implementation: 'native', netns: ns.path }).getReserved();
    expect(native.ports.size).toBe(RESERVED_PORTS.length);
    expect(native.ports.toString()).toBe(expected.toString());
    for (const implementation of ['native', 'js']) {
      const run = await ns.exec(process.execPath, ['--import', 'tsx', FIXTURE, 'read', implementation]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ size: RESERVED_PORTS.length, text: expected.toString() });
    }
  });

  it('refuses a netns path that names a FIFO at once, without opening it (no hang)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ephports-fifo-'));
    const fifo = join(dir, 'ns');
    execFileSync('/usr/bin/mkfifo', [fifo]);
    try {
      const backend = createLinuxBackend({ implementation: 'native' });
      for (const call of [() => backend.getRange({ netns: fifo }), () => backend.setRange({ low: 40000, high: 50001 }, { netns: fifo })]) {
        await expect(call()).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/not a namespace file/) });
      }
      const cli = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'test/census/fixtures/cli.ts', 'get', '--netns', fifo], { cwd: ROOT_DIR, timeout: 20_000 }, (error, _out, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
        );
      });
      expect(cli.code, cli.stderr).toBe(2);
      expect(cli.stderr).toMatch(/ERR_INVALID_ARG_VALUE.*not a namespace file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Refusal {
  code: number;
  stderr: string;
  ms: number;
  live: string;
  filesUnchanged: boolean;
}

describe.runIf(canUseNetns)(`set --persist refusals change nothing ${NETNS_REQUIREMENT}`, () => {
  let results: Record<string, Refusal>;
  beforeAll(async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        UNSHARE,
        ['-n', '-m', '--propagation', 'private', process.execPath, '--import', 'tsx', 'test/hardening/fixtures/refused-persist.mts'],
        { cwd: ROOT_DIR, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    results = JSON.parse(stdout) as Record<string, Refusal>;
  }, 90_000);

  const unchanged = (r: Refusal) => {
    expect(r.live).toBe('32768 60999');
    expect(r.filesUnchanged).toBe(true);
    expect(r.stderr).not.toMatch(/restored|rolled back/i);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  };

  it('an unparsable existing sysctl.d file: refused before anything is written, no rollback claimed', () => {
    const r = results['unparsable file']!;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_EPHEMERAL_PARSE.*= lots/);
    unchanged(r);
  });

  it('EROFS on /etc/sysctl.d: exit 77 with the remedy for that directory, not the one for /proc/sys', () => {
    const r = results['read-only sysctl.d']!;
    expect(r.code).toBe(77);
    expect(r.stderr).toMatch(/EROFS/);
    expect(r.stderr).toMatch(/\/etc\/sysctl\.d is on a read-only file system/);
    expect(r.stderr).not.toMatch(/\/proc\/sys|--sysctl/);
    unchanged(r);
  });

  it.each(['FIFO as --file', '/dev/zero as --file', '/proc/kmsg as --file', 'the live knob as --file'])(
    '%s: refused at once (ERR_INVALID_ARG_VALUE, exit 2), nothing changed',
    (name) => {
      const r = results[name]!;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/ERR_INVALID_ARG_VALUE/);
      expect(r.ms).toBeLessThan(5_000);
      unchanged(r);
    },
  );
});
