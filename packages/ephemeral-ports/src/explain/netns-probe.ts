/**
 * The bind probe inside another network namespace (Linux). A socket belongs to the namespace of the thread that
 * creates it, and Node cannot setns(); so a short child process does the binding: `nsenter --net=<path>` runs
 * this Node with a probe of a few lines, which prints one JSON array of results. Entering a namespace needs
 * CAP_SYS_ADMIN (root); without it, or without nsenter, the probe is reported as not run rather than run in
 * the caller's namespace, whose answer would be about other sockets.
 */
import type { Protocol } from '@ephemeral-ports/core';
import type { ProbeResult } from './bind-probe.js';

const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter'];
const TIMEOUT_MS = 10_000;

/** The same probe as bind-probe.ts (exclusive bind, IPv6 alone for `::`), self-contained for `node -e`. */
const PROBE = `
const [protocol, port, ...hosts] = process.argv.slice(1);
const probe = (address) => new Promise((resolve) => {
  const v6 = address.includes(':');
  const fail = (e) => resolve({ address, ok: false, code: e.code || 'UNKNOWN', message: e.message });
  if (protocol === 'tcp') {
    const server = require('node:net').createServer();
    server.once('error', fail);
    server.listen({ port: Number(port), host: address, exclusive: true, ipv6Only: v6 }, () =>
      server.close(() => resolve({ address, ok: true })));
    return;
  }
  let socket;
  try { socket = require('node:dgram').createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 }); } catch (e) { fail(e); return; }
  socket.once('error', (e) => { socket.close(); fail(e); });
  socket.bind({ port: Number(port), address, exclusive: true }, () => socket.close(() => resolve({ address, ok: true })));
});
Promise.all(hosts.map(probe)).then((r) => process.stdout.write(JSON.stringify(r)));
`;

export type NetnsProbe = { probes: ProbeResult[] } | { skipped: string };

export async function probeBindInNetns(
  netns: string,
  protocol: Protocol,
  port: number,
  hosts: readonly string[],
): Promise<NetnsProbe> {
  const { existsSync } = await import('node:fs');
  const nsenter = NSENTER.find((p) => existsSync(p));
  if (!nsenter) return { skipped: 'nsenter (util-linux) is not installed' };
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      nsenter,
      [`--net=${netns}`, '--', process.execPath, '-e', PROBE, protocol, String(port), ...hosts],
      { env: { LC_ALL: 'C' }, timeout: TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const why = String(stderr).trim().split('\n')[0] || error.message.split('\n')[0]!;
          resolve({ skipped: why });
          return;
        }
        try {
          resolve({ probes: JSON.parse(String(stdout)) as ProbeResult[] });
        } catch {
          resolve({ skipped: `the probe printed no result (${String(stdout).slice(0, 80)})` });
        }
      },
    ).stdin?.end();
  });
}
