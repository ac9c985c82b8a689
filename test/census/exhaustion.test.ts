/**
 * Exhaustion end to end: a workload fills a small range towards one destination inside a private namespace;
 * doctor must say critical, name that destination and report core's capacity; the CLI's exit code, metrics
 * (promtool), port map (SVG via xmllint) and textfile output are checked on the same live namespace.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionCapacity } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { doctor, usage } from 'ephemeral-ports';
import { useBackend } from 'ephemeral-ports/testing';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, type Netns } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';
import { runCli } from './fixtures/run-cli.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

const RANGE = { low: 40000, high: 40063 };
const DEST_PORT = 9000;
const promtool = optionalTool('promtool');
const xmllint = optionalTool('xmllint');

function exec(file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe.runIf(canUseNetns)(`exhaustion of a small range towards one destination ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let workload: Workload<{ ready: boolean; opened: number; error: string | null }>;
  let dir: string;
  const expected = connectionCapacity({ range: RANGE });

  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(RANGE.low, RANGE.high);
    workload = await startWorkload(ns, 'test/census/fixtures/exhaustion-workload.mjs', [String(DEST_PORT)]);
    useBackend(createLinuxBackend());
    dir = await mkdtemp(join(tmpdir(), 'census-exhaustion-'));
  });
  afterAll(async () => {
    useBackend(undefined);
    await workload?.stop();
    await ns?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the kernel ran out exactly at core’s predicted capacity', () => {
    expect(expected.usablePorts).toBe(64);
    expect(workload.info.error).toBe('EADDRNOTAVAIL');
    expect(workload.info.opened).toBe(expected.usablePorts);
  });

  it('usage() shows the destination full, with core’s capacity', async () => {
    const u = await usage({ netns: ns.path });
    expect(u.range).toEqual(RANGE);
    expect(u.destinations).toHaveLength(1);
    expect(u.destinations[0]).toMatchObject({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: DEST_PORT, used: 64, capacity: expected.usablePorts, guaranteed: expected.guaranteed, pressure: 1 });
    expect(u.portsInUse.tcp).toBe(64);
  });

  it('doctor() says critical and names the destination', async () => {
    const report = await doctor({ netns: ns.path });
    expect(report.verdict).toBe('critical');
    const f = report.findings.find((x) => x.rule === 'DESTINATION_EXHAUSTION')!;
    expect(f.severity).toBe('critical');
    expect(f.subject).toEqual({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: DEST_PORT, used: 64, capacity: 64 });
    expect(f.reason).toContain(`127.0.0.1:${DEST_PORT}`);
    expect(f.remedies.join('\n')).toContain('net.ipv4.ip_local_port_range');
  });

  it('CLI doctor exits 11 (critical) and prints the verdict as JSON', async () => {
    const r = await runCli(['doctor', '--netns', ns.path, '--json']);
    expect(r.code).toBe(11);
    const body = JSON.parse(r.stdout) as { verdict: string; exitCode: number; findings: Array<{ rule: string }> };
    expect(body.verdict).toBe('critical');
    expect(body.exitCode).toBe(11);
    expect(body.findings.map((f) => f.rule)).toContain('DESTINATION_EXHAUSTION');
    const human = await runCli(['doctor', '--netns', ns.path]);
    expect(human.code).toBe(11);
    expect(human.stdout).toMatch(/verdict: CRITICAL/);
    expect(human.stdout).toContain(`127.0.0.1:${DEST_PORT} from 127.0.0.1`);
  });

  it.runIf(promtool.run)(`CLI metrics passes promtool check metrics and carries the destination pressure ${promtool.title}`, async () => {
    const r = await runCli(['metrics', '--netns', ns.path]);
    expect(r.code).toBe(0);
    const check = await exec(promtool.path, ['check', 'metrics'], r.stdout);
    expect(check.stderr + check.stdout).toBe('');
    expect(check.code).toBe(0);
    expect(r.stdout).toContain(`ephemeral_ports_destination_pressure_ratio{local_address="127.0.0.1",remote_address="127.0.0.1",remote_port="${DEST_PORT}"} 1`);
    expect(r.stdout).toContain('ephemeral_ports_doctor_verdict 2');
    expect(r.stdout).toContain('ephemeral_ports_range_low 40000');
  });

  it.runIf(promtool.run)(`CLI metrics --textfile writes one .prom file atomically, no temporary left behind ${promtool.title}`, async () => {
    const r = await runCli(['metrics', '--netns', ns.path, '--textfile', dir]);
    expect(r.code).toBe(0);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    const text = await readFile(join(dir, 'ephemeral_ports.prom'), 'utf8');
    expect((await exec(promtool.path, ['check', 'metrics'], text)).code).toBe(0);
    expect(text).toContain('ephemeral_ports_doctor_verdict 2');
  });

  it(`CLI map --svg writes an SVG; with xmllint: valid XML with one mark per listening/in-use region ${xmllint.title}`, async () => {
    const svg = join(dir, 'map.svg');
    const r = await runCli(['map', '--netns', ns.path, '--svg', svg, '--json']);
    expect(r.code).toBe(0);
    const { regions } = JSON.parse(r.stdout) as { regions: Array<{ kind: string; low: number; high: number }> };
    expect(await readFile(svg, 'utf8')).toMatch(/<svg[\s\S]*<\/svg>/);
    if (xmllint.run) {
      expect((await exec(xmllint.path, ['--noout', svg])).code).toBe(0);
      const count = await exec(xmllint.path, ['--xpath', "count(//*[local-name()='rect'][@class='mark'])", svg]);
      expect(Number(count.stdout.trim())).toBe(regions.filter((r) => r.kind === 'listening' || r.kind === 'in-use').length);
    }
    // The whole range is in use (64 client ports) and the listener sits at 9000.
    expect(regions).toContainEqual({ kind: 'in-use', low: RANGE.low, high: RANGE.high });
    expect(regions).toContainEqual({ kind: 'listening', low: DEST_PORT, high: DEST_PORT });
    const bar = await runCli(['map', '--netns', ns.path, '--width', '64']);
    expect(bar.stdout.split('\n')[0]).toMatch(/^s.*L.*u.*$/);
  });

  it('CLI usage --json reports the same destination', async () => {
    const r = await runCli(['usage', '--netns', ns.path, '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { destinations: Array<{ remotePort: number; used: number; capacity: number }>; source: string };
    expect(body.source).toBe('netlink:sock_diag'); // auto: sock_diag wherever the kernel offers it
    expect(body.destinations[0]).toMatchObject({ remotePort: DEST_PORT, used: 64, capacity: 64 });
  });

  it('CLI usage --method procfs lists through /proc/net, says so, and finds the same destination', async () => {
    const r = await runCli(['usage', '--netns', ns.path, '--json', '--method', 'procfs']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { destinations: Array<{ remotePort: number; used: number; capacity: number }>; source: string };
    expect(body.source).toBe('procfs:/proc/net');
    expect(body.destinations[0]).toMatchObject({ remotePort: DEST_PORT, used: 64, capacity: 64 });
  });
});
