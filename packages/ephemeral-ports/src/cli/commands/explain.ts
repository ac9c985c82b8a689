/** `ephemeral-ports explain <port...>`: why binding a port would fail or is risky, with evidence. */
import { isIP } from 'node:net';
import { invalidArgValue, parsePortArgument } from '@ephemeral-ports/core';
import type { Command } from '../command.js';
import { parseArgs, protocolOption, usageError } from '../args.js';
import { paint, writeJson } from '../output.js';

const command: Command = {
  name: 'explain',
  summary: 'Why binding a port would fail or is risky, with evidence',
  usage: `Usage: ephemeral-ports explain <port...> [options]

For each port: is it inside the ephemeral range (outgoing connections may take it), reserved or excluded,
privileged (below ip_unprivileged_port_start), or already bound/listening? Checked with the live settings, a
real bind probe on each address, and the socket census where available (names the sockets and processes).

Options:
  --protocol <tcp|udp>  Which protocol the service uses (default tcp)
  --host <addr[,addr]>  Address(es) the service binds (default both wildcards: 0.0.0.0 and ::)
  --no-probe            Do not bind; judge from the settings only
  --netns <path>        Linux: explain inside this network namespace (its range, reserved ports, sockets; the
                        bind probe runs there through nsenter, which needs root)
  --json                Print [{port, protocol, hosts, verdict, findings[{code, severity, message, evidence}],
                        range, rangeSource, ianaClass, probes}]
  -h, --help            Show this help

Verdicts: ok (nothing found), risky (works now, may fail later), blocked (a bind fails now). The exit code is 0
whatever the verdicts; read them from --json in scripts.

Examples:
  ephemeral-ports explain 8080
  ephemeral-ports explain 40000 5432 --protocol tcp --host 127.0.0.1
  ephemeral-ports explain 53 --protocol udp --json
  sudo ephemeral-ports explain 8080 --netns /run/netns/blue
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { booleans: ['no-probe'], strings: ['protocol', 'host', 'netns'] });
    if (args.positionals.length === 0) throw usageError('explain needs at least one port');
    const ports = args.positionals.map((w) => parsePortArgument(w, 'port'));
    const protocol = protocolOption(args);
    const hosts = hostsOption(args.values.get('host'));
    const { explainPort } = await import('../../explain/explain-port.js');
    const results = [];
    for (const port of ports) {
      results.push(
        await explainPort(port, {
          ...(protocol ? { protocol } : {}),
          ...(hosts ? { host: hosts } : {}),
          probe: !args.flags.has('no-probe'),
          ...(args.values.has('netns') ? { netns: args.values.get('netns')! } : {}),
        }),
      );
    }
    if (ctx.json) {
      writeJson(ctx, results);
      return 0;
    }
    const p = paint(ctx);
    const mark = { ok: p.green('ok'), risky: p.yellow('risky'), blocked: p.red('blocked') } as const;
    let out = '';
    for (const r of results) {
      const where = r.netns === undefined ? '' : `, netns ${r.netns}`;
      out += `${p.bold(`${r.protocol} ${r.port}`)}: ${mark[r.verdict]}  (ephemeral range ${r.range.low}-${r.range.high}, IANA ${r.ianaClass}${where})\n`;
      if (r.findings.length === 0) out += `  nothing in the way: outside the ephemeral range and free on ${r.hosts.join(', ')}\n`;
      for (const f of r.findings) {
        const tag = f.severity === 'error' ? p.red(f.code) : f.severity === 'warning' ? p.yellow(f.code) : p.dim(f.code);
        out += `  ${tag}: ${f.message}\n`;
        const sockets = f.evidence.sockets as Array<Record<string, unknown>> | undefined;
        for (const s of sockets ?? []) {
          out += `    ${String(s.state)} ${String(s.local)} → ${String(s.remote)}${s.pid === undefined ? '' : ` pid ${String(s.pid)}`}${s.command === undefined ? '' : ` (${String(s.command)})`}\n`;
        }
      }
    }
    ctx.stdout.write(out);
    return 0;
  },
};
export default command;

/** `--host a[,b]`: each entry an IP address; a refusal quotes the text as typed (not the list made of it). */
function hostsOption(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const hosts = text.split(',').map((h) => h.trim());
  const bad = hosts.find((h) => isIP(h) === 0);
  if (bad !== undefined) {
    const which = hosts.length > 1 ? ` (${JSON.stringify(bad)} is not one)` : '';
    throw invalidArgValue('--host', text, `must be IPv4 or IPv6 addresses separated by commas${which}`);
  }
  return hosts;
}
