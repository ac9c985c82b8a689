/**
 * The diagnostic CLI commands in-process, against a backend double with a known census (no kernel needed):
 * output, --json shapes, the doctor exit codes and argument errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../packages/ephemeral-ports/src/cli/main.js';
import type { CliContext } from '../../packages/ephemeral-ports/src/cli/command.js';
import { useBackend } from 'ephemeral-ports/testing';
import type { CensusOptions } from '@ephemeral-ports/core';
import { censusBackend, client, listener } from './fixtures/census-backend.js';

function context(): CliContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    json: false,
    color: false,
    isTTY: false,
    env: {},
    program: 'ephemeral-ports',
    out: () => out,
    err: () => err,
  };
}

async function cli(argv: string[]) {
  const ctx = context();
  ctx.json = argv.includes('--json');
  const code = await main(argv, ctx);
  return { code, stdout: ctx.out(), stderr: ctx.err() };
}

// Range 40000-40099 (100 ports).
const quiet = () => [listener(22), client(40000), client(40001)];
const warn = () => [listener(40050), ...Array.from({ length: 10 }, (_, i) => client(40000 + i))]; // listener inside the range
const critical = () => Array.from({ length: 95 }, (_, i) => client(40000 + i));

afterEach(() => useBackend(undefined));

describe('doctor command', () => {
  it('exits 0 / 10 / 11 for ok / warn / critical', async () => {
    useBackend(censusBackend(quiet(), { range: { low: 40000, high: 49999 } }));
    expect((await cli(['doctor'])).code).toBe(0);
    useBackend(censusBackend(warn(), { range: { low: 40000, high: 49999 } }));
    const w = await cli(['doctor']);
    expect(w.code).toBe(10);
    expect(w.stdout).toContain('verdict: WARN');
    expect(w.stdout).toContain('[LISTENER_IN_RANGE]');
    useBackend(censusBackend(critical()));
    const c = await cli(['doctor', '--json']);
    expect(c.code).toBe(11);
    const body = JSON.parse(c.stdout) as { verdict: string; findings: Array<{ rule: string; subject?: unknown }> };
    expect(body.verdict).toBe('critical');
    expect(body.findings[0]).toMatchObject({ rule: 'DESTINATION_EXHAUSTION', subject: { remoteAddress: '10.0.0.2', remotePort: 443, used: 95, capacity: 100 } });
  });

  it('refuses positionals and unknown flags with a usage error (exit 2)', async () => {
    useBackend(censusBackend(quiet()));
    expect((await cli(['doctor', 'now'])).code).toBe(2);
    expect((await cli(['doctor', '--verbose'])).code).toBe(2);
  });
});

describe('usage command', () => {
  it('prints states, range pressure and destinations', async () => {
    useBackend(censusBackend(critical()));
    const r = await cli(['usage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tcp states:\s+ESTABLISHED 95/);
    expect(r.stdout).toMatch(/ports in range:\s+95 held/);
    expect(r.stdout).toContain('95/100  10.0.0.2:443 from 10.0.0.1');
  });

  it('--json carries the full report; --top must be a number', async () => {
    useBackend(censusBackend(quiet()));
    const r = await cli(['usage', '--json']);
    const body = JSON.parse(r.stdout) as { total: number; source: string; destinations: unknown[] };
    expect(body).toMatchObject({ total: 3, source: 'test:double' });
    expect(body.destinations).toHaveLength(1);
    expect((await cli(['usage', '--top', 'ten'])).code).toBe(2);
  });
});

describe('map command', () => {
  it('draws the bar and lists regions as JSON', async () => {
    useBackend(censusBackend([listener(22), listener(40050), client(40001)]));
    const r = await cli(['map', '--width', '64']);
    expect(r.code).toBe(0);
    const [bar, , labels, legend] = r.stdout.split('\n');
    expect(bar).toHaveLength(64);
    expect(bar![0]).toBe('L'); // port 22 shows through the system ports
    expect(bar![Math.floor((40050 / 65536) * 64)]).toBe('L');
    expect(labels).toContain('65535');
    expect(legend).toContain('e ephemeral (98)'); // 100 ports minus one in use and one listening
    const json = JSON.parse((await cli(['map', '--json'])).stdout) as { regions: Array<{ kind: string; low: number; high: number }> };
    expect(json.regions).toContainEqual({ kind: 'in-use', low: 40001, high: 40001 });
    expect((await cli(['map', '--width', '5'])).code).toBe(2);
  });
});

describe('metrics command', () => {
  it('prints the exposition; refuses conflicting modes', async () => {
    useBackend(censusBackend(critical()));
    const r = await cli(['metrics']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ephemeral_ports_doctor_verdict 2');
    expect(r.stdout).toContain('ephemeral_ports_destination_used_ports{local_address="10.0.0.1",remote_address="10.0.0.2",remote_port="443"} 95');
    expect((await cli(['metrics', '--serve', '0', '--json'])).code).toBe(2);
    expect((await cli(['metrics', '--serve', '0', '--textfile', '/tmp'])).code).toBe(2);
    expect((await cli(['metrics', '--host', '::1'])).code).toBe(2);
    expect((await cli(['metrics', '--serve', '70000'])).code).toBe(2);
  });

  it('--json prints the same samples as [{name, labels, value, help, type}]', async () => {
    useBackend(censusBackend(critical()));
    const r = await cli(['metrics', '--json']);
    expect(r.code).toBe(0);
    const samples = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(samples).toContainEqual({
      name: 'ephemeral_ports_destination_used_ports',
      labels: { local_address: '10.0.0.1', remote_address: '10.0.0.2', remote_port: '443' },
      value: 95,
      help: 'Ports used per destination (top 20 by pressure).',
      type: 'gauge',
    });
    expect(samples).toContainEqual(expect.objectContaining({ name: 'ephemeral_ports_doctor_verdict', value: 2 }));
  });

  it('reports an unwritable textfile directory as a coded OS error', async () => {
    useBackend(censusBackend(quiet()));
    const r = await cli(['metrics', '--textfile', '/nonexistent/dir']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [ENOENT]');
  });
});

describe('watch command (not a terminal)', () => {
  it('prints --count frames one after another without escape codes', async () => {
    useBackend(censusBackend(critical()));
    const r = await cli(['watch', '--count', '2', '--interval', '0.2']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/ephemeral-ports watch/g)).toHaveLength(2);
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toContain('verdict critical');
  });

  it('--json prints one object per frame', async () => {
    useBackend(censusBackend(quiet(), { range: { low: 40000, high: 49999 } }));
    const r = await cli(['watch', '--count', '2', '--interval', '0.2', '--json']);
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { verdict: string; portsInUse: { any: number } });
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ verdict: 'ok', portsInUse: { any: 2 } });
  });

  it('rejects a too-short interval', async () => {
    expect((await cli(['watch', '--interval', '0.01'])).code).toBe(2);
  });
});

describe('--method', () => {
  it('every census command passes it to the census', async () => {
    const runs: Array<[string[], number]> = [
      [['usage'], 0],
      [['doctor'], 0],
      [['map'], 0],
      [['metrics'], 0],
      [['watch', '--count', '1'], 0],
    ];
    for (const [argv, exit] of runs) {
      const requests: CensusOptions[] = [];
      useBackend(censusBackend(quiet(), { range: { low: 40000, high: 49999 }, requests }));
      const r = await cli([...argv, '--method', 'netlink']);
      expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(exit);
      // The reports ask for counts, not a socket list (aggregate): see docs/census.md.
      expect(requests, argv[0]).toEqual([{ method: 'netlink', aggregate: true }]);
    }
  });

  it.each(['ebpf', 'bpf'])('refuses method %s (bpf is gone): ERR_INVALID_ARG_VALUE as the library says (exit 2), naming the choices', async (method) => {
    useBackend(censusBackend(quiet()));
    const r = await cli(['usage', '--method', method]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error [ERR_INVALID_ARG_VALUE]: The "--method" argument must be one of auto, netlink, procfs. Received type string ("${method}")`);
  });

  it('lists the flag in every census command\'s help', async () => {
    for (const name of ['usage', 'doctor', 'map', 'metrics', 'watch']) expect((await cli([name, '--help'])).stdout, name).toMatch(/--method <m> +Linux: how to list sockets/);
  });
});

describe('census availability', () => {
  it('a backend without a census gives ERR_EPHEMERAL_UNSUPPORTED_OPERATION (exit 4)', async () => {
    const { createMemoryBackend } = await import('@ephemeral-ports/core');
    useBackend(createMemoryBackend({ os: 'darwin' }));
    const r = await cli(['usage']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
  });
});
