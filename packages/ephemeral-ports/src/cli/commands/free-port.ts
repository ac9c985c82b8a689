/** `ephemeral-ports free-port`: free ports outside the ephemeral range, reserved and excluded ports. */
import { parsePortListEntries, parseRangeArgument } from '@ephemeral-ports/core';
import type { Command } from '../command.js';
import { FREE_PORT_PROTOCOLS } from '../../free-port/options.js';
import { atMost, choiceOption, parseArgs, usageError } from '../args.js';
import { warningLines, writeJson } from '../output.js';

const command: Command = {
  name: 'free-port',
  summary: 'Print free ports that never collide with the kernel (outside the ephemeral range)',
  usage: `Usage: ephemeral-ports free-port [options]

Print free port(s), one per line: bindable now on every relevant address (TCP and/or UDP), outside the live
ephemeral range, the reserved (Linux) / excluded (Windows) ports and the privileged ports.

Options:
  --count <n>                 How many distinct ports (default 1)
  --protocol <tcp|udp|both>   Must be free for this transport, or both (default tcp)
  --host <address>            Check only this address (default: all relevant addresses)
  --range <low-high>          Where to search (default 1024-65535)
  --port <ports>              Preferred ports, tried first in order (PORT or LOW-HIGH entries, e.g. 3000,3005-3009)
  --exclude <ports>           Ports never to print (same form)
  --hold                      Keep the ports locked machine-wide (other callers of this library skip them) until
                              stdin closes or SIGINT/SIGTERM; without it the locks end when the command exits
  --json                      One JSON document: {ports, protocol, held, avoided, warnings}
  -h, --help                  Show this help

Examples:
  ephemeral-ports free-port
  ephemeral-ports free-port --count 3 --protocol both --range 20000-29999
  PORT=$(ephemeral-ports free-port --port 3000,3001)
  ephemeral-ports free-port --count 2 --hold --json < some-fifo   # held until the fifo closes
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { booleans: ['hold'], strings: ['count', 'protocol', 'host', 'range', 'port', 'exclude'] });
    atMost(args, 0, 'free-port');
    const count = countOption(args.values.get('count'));
    const protocol = protocolOption(args.values.get('protocol'));
    const range = rangeOption(args.values.get('range'));
    const preferred = listOption(args.values.get('port'), '--port');
    const exclude = listOption(args.values.get('exclude'), '--exclude');
    const host = args.values.get('host');
    const hold = args.flags.has('hold');
    const options = {
      protocol,
      ...(host === undefined ? {} : { host }),
      ...(range === undefined ? {} : { range }),
      ...(preferred === undefined ? {} : { port: preferred }),
      ...(exclude === undefined ? {} : { exclude }),
    };

    const { getFreePortDetailed } = await import('../../free-port/get-free-port.js');
    const { reservePorts } = await import('../../free-port/reserve-ports.js');
    // One detailed lookup gives the avoid summary and warnings; more ports come from one all-or-nothing reservation.
    const first = await getFreePortDetailed({ ...options, hold: true });
    const rest = count > 1 ? await reservePorts(count - 1, { ...options, exclude: [...(exclude ?? []), first.port] }) : undefined;
    const ports = [first.port, ...(rest?.ports ?? [])];

    if (ctx.json) {
      writeJson(ctx, { ports, protocol, held: hold, avoided: first.avoided, warnings: first.warnings });
    } else {
      ctx.stdout.write(ports.map((p) => `${p}\n`).join(''));
      ctx.stderr.write(warningLines(ctx, first.warnings));
    }
    if (hold) await untilReleased();
    return 0;
  },
};
export default command;

function countOption(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65_536) {
    throw usageError(`--count must be a whole number from 1 to 65536, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function protocolOption(value: string | undefined): 'tcp' | 'udp' | 'both' {
  return value === undefined ? 'tcp' : choiceOption('--protocol', value, FREE_PORT_PROTOCOLS);
}

function rangeOption(value: string | undefined): { low: number; high: number } | undefined {
  return value === undefined ? undefined : parseRangeArgument(value, '--range');
}

/**
 * `--port`/`--exclude`: a port list, read by core's one port-list parser (as `reserved` is); the ports keep the
 * order they were typed in (`--port` tries them in that order).
 */
function listOption(value: string | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const ports: number[] = [];
  for (const { low, high } of parsePortListEntries(value, name)) for (let p = low; p <= high; p++) ports.push(p);
  return [...new Set(ports)];
}

/** Holds (the locks live in this process) until stdin ends or a termination signal arrives. */
function untilReleased(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    process.stdin.once('end', done);
    process.stdin.once('close', done);
    process.stdin.resume();
  });
}
