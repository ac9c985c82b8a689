/** `ephemeral-ports free-port`: options, output, exit codes, and --hold keeping the ports locked machine-wide. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PortSet, createMemoryBackend } from '@ephemeral-ports/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The command loads the free-port module directly (not through the facade's lazy wrappers): share its registry.
import { checkPort, clearLockedPorts } from '../../packages/ephemeral-ports/src/free-port/index.js';
import { useBackend } from '../../packages/ephemeral-ports/src/backend.js';
import command from '../../packages/ephemeral-ports/src/cli/commands/free-port.js';
import { COMMANDS } from '../../packages/ephemeral-ports/src/cli/commands/index.js';
import { exitCodeFor } from '../../packages/ephemeral-ports/src/cli/exit.js';
import type { CliContext } from '../../packages/ephemeral-ports/src/cli/command.js';
import { clearAvoidCache } from '../../packages/ephemeral-ports/src/free-port/avoid.js';

function context(json = false): CliContext & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    json,
    color: false,
    isTTY: false,
    env: {},
    program: 'ephemeral-ports',
    out: () => out,
    err: () => err,
  };
}

describe('ephemeral-ports free-port', () => {
  beforeEach(() => {
    useBackend(createMemoryBackend({ os: 'linux', range: { low: 30_005, high: 60_999 }, reserved: PortSet.fromPorts([30_001]) }));
    clearAvoidCache();
  });
  afterEach(() => {
    clearLockedPorts();
    useBackend(undefined);
    clearAvoidCache();
  });

  it('is registered in the command table', async () => {
    expect((await COMMANDS['free-port']!()).default.name).toBe('free-port');
  });

  it('prints --count distinct ports, one per line, within --range and outside ephemeral/reserved', async () => {
    const ctx = context();
    expect(await command.run(['--count', '4', '--range', '30000-30010', '--protocol', 'both'], ctx)).toBe(0);
    const ports = ctx.out().trim().split('\n').map(Number).sort((a, b) => a - b);
    expect(ports).toEqual([30_000, 30_002, 30_003, 30_004]);
  });

  it('--port and --exclude; --json shape', async () => {
    const ctx = context(true);
    expect(await command.run(['--port', '30002,30003', '--exclude', '30002', '--range', '30000-30004', '--json'], ctx)).toBe(0);
    const doc = JSON.parse(ctx.out());
    expect(doc).toMatchObject({ ports: [30_003], protocol: 'tcp', held: false, warnings: [] });
    expect(doc.avoided.ephemeral[0].range).toEqual({ low: 30_005, high: 60_999 });
    expect(doc.avoided.reserved).toBe('30001');
  });

  it.each([
    [['--count', '0']],
    [['--count', 'x']],
    [['--protocol', 'sctp']],
    [['--range', '5-']],
    [['--range', '40000-30000']],
    [['--port', '3000,70000']],
    [['--bogus']],
    [['extra']],
  ])('%j is a usage error (exit 2)', async (argv) => {
    const error = await command.run(argv, context()).catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(2);
  });

  it('no free port left: ERR_EPHEMERAL_NO_FREE_PORT, exit 1', async () => {
    const error = await command.run(['--range', '30005-30006'], context()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_NO_FREE_PORT' });
    expect(exitCodeFor(error)).toBe(1);
  });
});

describe.runIf(process.platform === 'linux')('ephemeral-ports free-port --hold (Linux: real locks, this netns)', () => {
  it('keeps the printed ports locked for other processes until stdin closes', async () => {
    const script = fileURLToPath(new URL('./fixtures/cli-run.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--hold', '--count', '2', '--json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const doc = await new Promise<{ ports: number[]; held: boolean }>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        try {
          resolve(JSON.parse(out));
        } catch {
          // not complete yet
        }
      });
      child.once('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    expect(doc.held).toBe(true);
    for (const port of doc.ports) expect((await checkPort(port)).rejection?.reason).toBe('locked');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
    for (const port of doc.ports) expect((await checkPort(port)).free).toBe(true);
  }, 30_000);
});
