/** The oracle for Linux tests: procps `sysctl -n`, run inside the namespace under test. */
import { execFile } from 'node:child_process';
import { type PortRange, PortSet } from '@ephemeral-ports/core';
import { type Netns, execIn } from '../helpers/netns.js';

export const SYSCTL = '/usr/sbin/sysctl';

function parseRange(text: string): PortRange {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new Error(`sysctl printed ${JSON.stringify(text)}`);
  return { low: low!, high: high! };
}

function parseList(text: string): PortSet {
  const t = text.trim();
  if (t === '') return PortSet.EMPTY;
  return PortSet.fromRanges(
    t.split(',').map((item) => {
      const [a, b] = item.split('-').map(Number);
      return { low: a!, high: b ?? a! };
    }),
  );
}

async function sysctlIn(ns: Netns | string, name: string): Promise<string> {
  const path = typeof ns === 'string' ? ns : ns.path;
  const r = await execIn(path, SYSCTL, ['-n', name]);
  if (r.code !== 0) throw new Error(`sysctl -n ${name} failed: ${r.stderr}`);
  return r.stdout;
}

export const sysctlRange = async (ns: Netns | string) => parseRange(await sysctlIn(ns, 'net.ipv4.ip_local_port_range'));
export const sysctlReserved = async (ns: Netns | string) =>
  parseList(await sysctlIn(ns, 'net.ipv4.ip_local_reserved_ports'));
export const sysctlUnprivilegedStart = async (ns: Netns | string) =>
  Number((await sysctlIn(ns, 'net.ipv4.ip_unprivileged_port_start')).trim());

export async function sysctlWrite(ns: Netns, name: string, value: string): Promise<void> {
  const r = await ns.exec(SYSCTL, ['-q', '-w', `${name}=${value}`]);
  if (r.code !== 0) throw new Error(`sysctl -w ${name}=${value} failed: ${r.stderr}`);
}

/** `sysctl -n` in the current process's own namespace (for the test that runs inside a netns). */
export function sysctlRangeHere(): Promise<PortRange> {
  return new Promise((resolve, reject) => {
    execFile(SYSCTL, ['-n', 'net.ipv4.ip_local_port_range'], (error, stdout) =>
      error ? reject(error) : resolve(parseRange(stdout)),
    );
  });
}
