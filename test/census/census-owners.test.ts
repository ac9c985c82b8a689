/**
 * Owning processes counted by the addon (census({ owners: true }), native/linux/census_owners.cc): processes with
 * known pids hold known sockets in a private namespace, one of them running as another user (nobody); the per-process
 * counts, the owners of the listeners and of every listed socket must name exactly those pids, and agree with the
 * JS walk of /proc (findSocketOwners). As nobody, the census sees its own processes' sockets but not root's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketEntry } from '@ephemeral-ports/core';
import { usage } from 'ephemeral-ports';
import { useBackend } from 'ephemeral-ports/testing';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { processUsageOf } from '../../packages/ephemeral-ports/src/diagnostics/usage.js';
import { renderProcesses } from '../../packages/ephemeral-ports/src/cli/commands/usage.js';
import { createLinuxCensus, findSocketOwners, hasCensus, type AggregateWithProcesses, type ProcessSockets } from '../../packages/linux/src/census/index.js';
import { loadNativeBinding } from '../../packages/linux/src/native.js';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, NSENTER, SETPRIV, type Netns } from '../helpers/netns.js';
import { runCli } from './fixtures/run-cli.js';

const WORKLOAD = fileURLToPath(new URL('fixtures/owner-workload.mjs', import.meta.url));
const AS_CALLER = fileURLToPath(new URL('fixtures/owners-as-caller.mts', import.meta.url));
const NOBODY = ['--reuid', '65534', '--regid', '65534', '--clear-groups'];

interface Holder {
  name: string;
  port: number;
  connections: number;
  asNobody: boolean;
  pid?: number;
  udpPort?: number;
  child?: ChildProcess;
}

const HOLDERS: Holder[] = [
  { name: 'own-a', port: 7101, connections: 3, asNobody: false },
  { name: 'own-b', port: 7102, connections: 7, asNobody: false },
  { name: 'own-nobody', port: 7103, connections: 5, asNobody: true },
];

/** What each holder holds: both ends of its connections, its listener, one UDP socket. */
const expected = (h: Holder): Omit<ProcessSockets, 'pid'> => ({ command: h.name, tcp: 2 * h.connections + 1, udp: 1, listening: 1, established: 2 * h.connections });

function start(ns: Netns, h: Holder): Promise<void> {
  const node = [process.execPath, WORKLOAD, h.name, String(h.port), String(h.connections)];
  const argv = h.asNobody ? [`--net=${ns.path}`, '--', SETPRIV, ...NOBODY, ...node] : [`--net=${ns.path}`, '--', ...node];
  const child = spawn(NSENTER, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  h.child = child;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += String(d);
      if (!buffer.includes('\n')) return;
      const info = JSON.parse(buffer.slice(0, buffer.indexOf('\n'))) as { pid: number; udpPort: number };
      h.pid = info.pid;
      h.udpPort = info.udpPort;
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`${h.name} exited (${code}): ${stderr}`)));
  });
}

describe.runIf(canUseNetns)(`owning processes counted by the addon, against known holders ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  const censusOf = () => {
    const binding = loadNativeBinding().binding;
    if (!hasCensus(binding)) throw new Error('the addon has no census');
    return createLinuxCensus(binding);
  };

  beforeAll(async () => {
    ns = await createNetns();
    await Promise.all(HOLDERS.map((h) => start(ns, h)));
    // The backend from the sources, so the report's classes are the ones this test imports.
    useBackend(createLinuxBackend());
  });
  afterAll(async () => {
    useBackend(undefined);
    for (const h of HOLDERS) h.child?.stdin?.end();
    await Promise.all(HOLDERS.map((h) => (h.child && h.child.exitCode === null ? new Promise((r) => h.child!.once('exit', r)) : undefined)));
    await ns?.close();
  });

  it('counts each holder (including another user’s process) exactly, in C++', async () => {
    const census = await censusOf()({ netns: ns.path, method: 'netlink', aggregate: true, processes: true });
    const processes = (census.aggregate as AggregateWithProcesses).processes;
    expect(processes).toBeDefined();
    // Only the holders own sockets in this namespace.
    expect(processes!.map((p) => p.pid).sort()).toEqual(HOLDERS.map((h) => h.pid).sort());
    for (const h of HOLDERS) expect(processes!.find((p) => p.pid === h.pid)).toEqual({ pid: h.pid, ...expected(h) });
    // Most sockets first.
    expect(processes![0]!.pid).toBe(HOLDERS[1]!.pid);
  });

  it('names the owner of every listener among the bound sockets', async () => {
    const census = await censusOf()({ netns: ns.path, method: 'netlink', aggregate: true, processes: true });
    const listeners = census.aggregate!.bound.filter((s) => s.state === 'LISTEN');
    expect(listeners).toHaveLength(HOLDERS.length);
    for (const h of HOLDERS) {
      const l = listeners.find((s) => s.localPort === h.port);
      expect({ pid: l?.pid, command: l?.command }).toEqual({ pid: h.pid, command: h.name });
    }
  });

  it('names the owner of every listed socket, as the JS walk of /proc does', async () => {
    const check = (sockets: SocketEntry[]) => {
      const reference = findSocketOwners(new Set(sockets.map((s) => s.inode!).filter(Boolean)));
      for (const s of sockets) {
        expect(s.pid).toBe(s.inode ? reference.get(s.inode)?.pid : undefined);
        if (s.pid !== undefined) expect(s.command).toBe(reference.get(s.inode!)?.command);
      }
      const ports = (h: Holder) => sockets.filter((s) => (s.protocol === 'tcp' && (s.localPort === h.port || s.remotePort === h.port)) || (s.protocol === 'udp' && s.localPort === h.udpPort));
      for (const h of HOLDERS) {
        expect(ports(h)).toHaveLength(2 * h.connections + 2);
        expect(ports(h).every((s) => s.pid === h.pid)).toBe(true);
      }
    };
    check((await censusOf()({ netns: ns.path, method: 'netlink', processes: true })).sockets);
    // The lazily built list of a counted census carries the same owners.
    check((await censusOf()({ netns: ns.path, method: 'netlink', aggregate: true, processes: true })).sockets);
  });

  it('usage({ processes: true }) reports the holders per process; the text table lists them', async () => {
    const report = await usage({ netns: ns.path, processes: true });
    for (const h of HOLDERS) expect(report.processes?.find((p) => p.pid === h.pid)).toEqual({ pid: h.pid, ...expected(h) });
    const text = renderProcesses(report.processes!, 10);
    for (const h of HOLDERS) expect(text).toMatch(new RegExp(`\\b${h.pid}\\s+${h.name}\\s+${expected(h).tcp}\\s+1\\s+1\\s+${2 * h.connections}\\b`));
    expect((await usage({ netns: ns.path })).processes).toBeUndefined();
  });

  it('ephemeral-ports usage --by-process prints the table, and "processes" with --json', async () => {
    const text = await runCli(['usage', '--by-process', '--netns', ns.path]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Sockets per process (${HOLDERS.length}):`);
    for (const h of HOLDERS) expect(text.stdout).toMatch(new RegExp(`\\b${h.pid}\\s+${h.name}\\s`));
    const json = await runCli(['usage', '--by-process', '--json', '--netns', ns.path]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { processes: ProcessSockets[] };
    for (const h of HOLDERS) expect(report.processes.find((p) => p.pid === h.pid)).toEqual({ pid: h.pid, ...expected(h) });
  });

  it('the JS count from a socket list (procfs fallback) equals the C++ count', async () => {
    const fallback = await censusOf()({ netns: ns.path, method: 'procfs', processes: true });
    const native = await censusOf()({ netns: ns.path, method: 'netlink', aggregate: true, processes: true });
    expect(processUsageOf(fallback)).toEqual(processUsageOf(native));
  });

  it('as nobody, sees its own process’s sockets and not root’s', async () => {
    const run = await ns.exec(SETPRIV, [...NOBODY, process.execPath, '--import', 'tsx', AS_CALLER]);
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout.trim()) as { uid: number; processes: ProcessSockets[] };
    expect(seen.uid).toBe(65534);
    const nobody = HOLDERS.find((h) => h.asNobody)!;
    expect(seen.processes).toEqual([{ pid: nobody.pid, ...expected(nobody) }]);
  });
});
