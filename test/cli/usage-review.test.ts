/**
 * Findings of a UX review of the built CLI (memory backend): a flag that would mislead if ignored, options before
 * the command, the --json promise, messages that show what was typed, one code per condition with the library,
 * grammar, and one port-list parser for every command.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkRangeSafety } from '@ephemeral-ports/core';
import { getEphemeralRange, getFreePort } from 'ephemeral-ports';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from './run-cli.js';

beforeAll(assertBuilt);

let mem: MemoryEnv;
beforeEach(() => {
  mem = memoryEnv({ EP_TEST_RANGE: '32768-60999' });
});
afterEach(() => mem.cleanup());

/** The one JSON error document on stderr (exactly one line). */
function jsonError(stderr: string): { code: string; message: string } {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return (JSON.parse(lines[0]!) as { error: { code: string; message: string } }).error;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );
}

describe('reserved --clear without the set action', () => {
  it('is a usage error naming "reserved set --clear", and clears nothing', async () => {
    await runCli(['reserved', 'add', '8080'], mem.env);
    const r = await runCli(['reserved', '--clear'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[ERR_EPHEMERAL_USAGE\]: --clear only applies to set: ephemeral-ports reserved set --clear\n/);
    expect(mem.state()?.reserved).toEqual([{ low: 8080, high: 8080 }]);
    const json = await runCli(['reserved', '--clear', '--json'], mem.env);
    expect(jsonError(json.stderr).code).toBe('ERR_EPHEMERAL_USAGE');
  });
});

describe('options before the command', () => {
  it.each([
    [['--json', 'get'], 'ephemeral-ports get --json'],
    [['--protocol', 'udp', 'get'], 'ephemeral-ports get --protocol udp'],
    [['--netns', '/run/netns/a b', '--json', 'usage'], "ephemeral-ports usage --netns '/run/netns/a b' --json"],
  ])('%j says options go after the command and prints the reordered line', async (argv, line) => {
    const r = await runCli(argv, mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`options go after the command: ${line}`);
    expect(r.stderr).not.toContain('too many arguments');
  });

  it('the value of --netns is never taken for a command (a path named "get" stays a path)', async () => {
    const r = await runCli(['--netns', 'get'], mem.env);
    expect(r.stderr).not.toContain('options go after the command');
  });

  it('with --json the refusal is one JSON document on stderr', async () => {
    const r = await runCli(['--json', 'get'], mem.env);
    expect(jsonError(r.stderr)).toMatchObject({ code: 'ERR_EPHEMERAL_USAGE', message: 'options go after the command: ephemeral-ports get --json' });
  });
});

describe('--json', () => {
  it('completion does not silently ignore it', async () => {
    const r = await runCli(['completion', 'bash', '--json'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(jsonError(r.stderr)).toMatchObject({ code: 'ERR_EPHEMERAL_USAGE', message: 'completion has no --json: it prints a shell script' });
  });

  it('metrics --json prints the samples: name, labels, value, help, type', async () => {
    const r = await runCli(['metrics', '--json'], { ...mem.env, EP_TEST_LISTENING: '40000' });
    expect(r.code).toBe(0);
    const samples = JSON.parse(r.stdout) as Array<{ name: string; labels: Record<string, string>; value: number }>;
    expect(samples).toContainEqual({
      name: 'ephemeral_ports_range_low',
      labels: {},
      value: 32768,
      help: 'Lowest port of the ephemeral range.',
      type: 'gauge',
    });
    expect(samples.find((s) => s.name === 'ephemeral_ports_listeners_in_range')?.value).toBe(1);
  });

  it('the help no longer promises --json for every command', async () => {
    const r = await runCli(['--help'], mem.env);
    expect(r.stdout).not.toContain('every command takes --help, --json');
    expect(r.stdout).toMatch(/all but\s+completion take --json/);
  });
});

describe('messages show what was typed', () => {
  it('explain --host not-an-ip quotes the text, not "an array"', async () => {
    const r = await runCli(['explain', '8080', '--host', 'not-an-ip', '--no-probe'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERR_INVALID_ARG_VALUE');
    expect(r.stderr).toContain('Received type string ("not-an-ip")');
    expect(r.stderr).not.toContain('an array');
    const two = await runCli(['explain', '8080', '--host', '127.0.0.1,nope', '--no-probe'], mem.env);
    expect(two.stderr).toContain('"nope" is not one');
    expect(two.stderr).toContain('Received type string ("127.0.0.1,nope")');
  });
});

describe('an unknown protocol has the library\'s code', () => {
  it('ERR_INVALID_ARG_VALUE from the CLI, as from the library (exit 2)', async () => {
    const library = await codeOf(getEphemeralRange({ protocol: 'sctp' as 'tcp' }));
    expect(library).toBe('ERR_INVALID_ARG_VALUE');
    for (const argv of [
      ['get', '--protocol', 'sctp'],
      ['explain', '8080', '--protocol', 'sctp', '--no-probe'],
      ['free-port', '--protocol', 'sctp'],
    ]) {
      const r = await runCli([...argv, '--json'], mem.env);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(jsonError(r.stderr).code, argv.join(' ')).toBe(library);
      expect(jsonError(r.stderr).message, argv.join(' ')).toContain('("sctp")');
    }
    expect(await codeOf(getFreePort({ protocol: 'sctp' as 'tcp' }))).toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe('the connection-rate sentence', () => {
  it('core\'s safety message: singular, and "fewer than 1" rather than "about 0"', () => {
    const message = (low: number, high: number) => checkRangeSafety({ low, high })[0]!.message;
    expect(message(60000, 60000)).toContain('leaves 1 usable port,');
    expect(message(60000, 60000)).toContain('fewer than 1 new connection per second');
    expect(message(60000, 60089)).toContain('only about 1 new connection per second');
    expect(message(60000, 60599)).toContain('only about 10 new connections per second');
  });

  it.each([
    ['60000-60009', 'leaves 10 usable ports', 'sustains fewer than 1 new connection per second'],
    ['60000-60089', 'leaves 90 usable ports', 'sustains only about 1 new connection per second'],
    ['60000-60599', 'leaves 600 usable ports', 'sustains only about 10 new connections per second'],
  ])('%s: "%s ... %s"', async (range, size, rate) => {
    const r = await runCli(['set', range, '--dry-run'], mem.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(size);
    expect(r.stderr).toContain(rate);
    expect(mem.state()).toBeNull();
  });
});

describe('free-port with a search range inside the ephemeral range', () => {
  it('names the ephemeral range that emptied the pool and the option that lifts it', async () => {
    const r = await runCli(['free-port', '--range', '40000-40010'], mem.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('every port of the search range 40000-40010 is avoided: all in the tcp ephemeral range 32768-60999');
    expect(r.stderr).toContain('`avoid: { ephemeral: false }`');
    expect(r.stderr).not.toContain('no candidates');
  });
});

describe('one port-list parser for reserved and free-port', () => {
  const BAD_LIST = 'ERR_EPHEMERAL_INVALID_PORT_LIST';
  it.each([
    ['8080,,9000', BAD_LIST],
    ['8080,', BAD_LIST],
    ['8080,x', BAD_LIST],
    ['9000-8000', BAD_LIST],
    ['8080 9000', 'accepted'],
  ])('%s gets the same verdict from both: %s', async (list, expected) => {
    const reserved = await runCli(['reserved', 'add', list, '--dry-run', '--json'], mem.env);
    const free = await runCli(['free-port', '--port', list, '--range', '20000-20100', '--json'], mem.env);
    const verdict = (r: { code: number; stderr: string }) => (r.code === 0 ? 'accepted' : jsonError(r.stderr).code);
    expect(verdict(reserved)).toBe(expected);
    expect(verdict(free)).toBe(expected);
  });

  it('--port keeps the order typed and takes ranges', async () => {
    const r = await runCli(['free-port', '--port', '20007,20003-20004', '--count', '3', '--range', '20000-20100', '--json'], mem.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).ports).toEqual([20007, 20003, 20004]);
  });
});
