/** `ephemeral-ports metrics`: Prometheus exposition on stdout, over HTTP (/metrics) or into a textfile. */
import { join } from 'node:path';
import { EphemeralPortsError, parsePortArgument } from '@ephemeral-ports/core';
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { writeJson } from '../output.js';

export const TEXTFILE_NAME = 'ephemeral_ports.prom';

const command: Command = {
  name: 'metrics',
  summary: 'Prometheus metrics: print, serve /metrics, or write a node_exporter textfile',
  usage: `Usage: ephemeral-ports metrics [options]

Print Prometheus metrics (text format 0.0.4): range bounds, sockets by protocol and state, ports in use,
per-destination used/capacity/pressure (top 20), TIME_WAIT, listeners in range and the doctor verdict
(ephemeral_ports_doctor_verdict: 0 ok, 1 warn, 2 critical).

Options:
  --netns <path>     Linux: measure this network namespace
  --method <m>       Linux: how to list sockets: auto (default), netlink or procfs
                     (auto: sock_diag, else /proc/net where netlink is refused)
  --serve <port>     Serve GET /metrics on <port> (fresh census per scrape) until Ctrl-C; 0 picks a free port.
                     At most 64 connections; a request must arrive within 5 s, idle connections close after 15 s
  --host <address>   Address to serve on (default 127.0.0.1: metrics name hosts and ports, keep them local)
  --textfile <dir>   Write <dir>/${TEXTFILE_NAME} atomically, for node_exporter --collector.textfile.directory
  --json             Print the samples as [{name, labels, value, help, type}] (not with --serve; with
                     --textfile: {path})
  -h, --help         Show this help

Examples:
  ephemeral-ports metrics | promtool check metrics
  ephemeral-ports metrics --serve 9469
  ephemeral-ports metrics --textfile /var/lib/prometheus/node-exporter
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['netns', 'method', 'serve', 'host', 'textfile'] });
    atMost(args, 0, 'metrics');
    const serve = args.values.get('serve');
    const textfile = args.values.get('textfile');
    if (serve !== undefined && textfile !== undefined) throw usageError('use either --serve or --textfile, not both');
    if (args.values.has('host') && serve === undefined) throw usageError('--host only applies with --serve');
    if (ctx.json && serve !== undefined) throw usageError('--json prints one document; --serve serves the text format until stopped');
    const census = censusOptions(args);
    const { prometheusMetrics } = await import('../../diagnostics/usage.js');
    const collect = () => prometheusMetrics(census);

    if (serve !== undefined) {
      const port = parsePortArgument(serve, '--serve');
      return await serveMetrics(port, args.values.get('host') ?? '127.0.0.1', collect, ctx.stderr);
    }
    const text = await collect();
    if (textfile !== undefined) {
      const { writeFileAtomic } = await import('../../diagnostics/files.js');
      const path = join(textfile, TEXTFILE_NAME);
      await writeFileAtomic(path, text, '--textfile');
      if (ctx.json) writeJson(ctx, { path });
      else ctx.stdout.write(`wrote ${path}\n`);
      return 0;
    }
    if (ctx.json) {
      const { metricSamples } = await import('../prometheus-json.js');
      writeJson(ctx, metricSamples(text));
      return 0;
    }
    ctx.stdout.write(text);
    return 0;
  },
};

/** Serves until SIGINT/SIGTERM, then closes the listener and resolves 0. */
async function serveMetrics(port: number, host: string, collect: () => Promise<string>, log: { write(s: string): unknown }): Promise<number> {
  const { createMetricsServer } = await import('../metrics-server.js');
  return new Promise((resolve, reject) => {
    const server = createMetricsServer(collect);
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve(0));
      server.closeAllConnections();
    };
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new EphemeralPortsError(error.code ?? 'EIO', `cannot serve metrics on ${host}:${port}: ${error.message}`, {
          ...(error.errno === undefined ? {} : { errno: Math.abs(error.errno) }),
          syscall: error.syscall ?? 'listen',
          remedy: error.code === 'EADDRINUSE' ? 'Pick another --serve port.' : 'Check --host is a local address and the port is allowed.',
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      log.write(`serving http://${shown}:${actual}/metrics (Ctrl-C to stop)\n`);
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
export default command;
