/**
 * The CLI fuzz suite's body; cli-fuzz.test.ts runs this file in a vitest of its own, as root inside
 * `unshare -n -m -p --fork --mount-proc`: a private network namespace (the live range and reserved ports it may
 * change are its own), a private pid namespace (no host process's /proc/<pid>/ns/net is reachable) and a private
 * mount namespace in which /etc is an overlay whose writes land in a tmpfs, /proc/sys is read-only except
 * /proc/sys/net (this namespace's), /run/netns is empty, and the paths handed out live in a sandbox tmpfs.
 *
 * For every command, fast-check builds argv from the command's own options (read from its --help), hostile values
 * and random strings, and runs `main()` in this process. Every run must end with an exit code and print no stack
 * trace; a refusal must carry a typed code (an errno name or a documented ERR_* code, never ERR_EPHEMERAL_INTERNAL)
 * and leave the live range, the reserved ports and every file as they were.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { useBackend } from 'ephemeral-ports/testing';
import { COMMANDS } from '../../packages/ephemeral-ports/src/cli/commands/index.js';
import { FUZZ_ENV } from './fixtures/fuzz-env.js';
import { runInProcess } from './fixtures/in-process-cli.js';

const ownNamespaces = () => ['net', 'mnt', 'pid'].map((n) => readlinkSync(`/proc/self/ns/${n}`)).join(' ');
const hostNamespaces = process.env[FUZZ_ENV.hostNamespaces];
// Mounting over /etc and /proc/sys is only ever done in namespaces that die with this run.
const SANDBOXED =
  hostNamespaces !== undefined &&
  hostNamespaces.split(' ').every((ns) => !ownNamespaces().split(' ').includes(ns));

const RUNS = Number(process.env[FUZZ_ENV.runs] ?? '1000');
const SEED = process.env[FUZZ_ENV.seed] ? Number(process.env[FUZZ_ENV.seed]) : Date.now() % 2 ** 31;
const [SHARD, SHARDS] = (process.env[FUZZ_ENV.shard] ?? '0/1').split('/').map(Number) as [number, number];

const KNOB = '/proc/sys/net/ipv4/ip_local_port_range';
const RESERVED = '/proc/sys/net/ipv4/ip_local_reserved_ports';
const BASE_RANGE = '32768 60999';
const BASE_RESERVED = '8080,9000-9100';
const mount = (...args: string[]) => execFileSync('/usr/bin/mount', args);

function makeSandbox(): { scratch: string; box: string } {
  // Beside the report, in a directory cli-fuzz.test.ts removes: the mount point outlives this namespace.
  const report = process.env[FUZZ_ENV.report];
  const scratch = mkdtempSync(report ? join(dirname(report), 'sandbox-') : '/tmp/ephports-fuzz-');
  mount('-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', scratch);
  mkdirSync(join(scratch, 'etc-upper'));
  mkdirSync(join(scratch, 'etc-work'));
  mount('-t', 'overlay', 'overlay', '-o', `lowerdir=/etc,upperdir=${scratch}/etc-upper,workdir=${scratch}/etc-work`, '/etc');
  mount('--bind', '/proc/sys', '/proc/sys');
  mount('-o', 'remount,bind,ro', '/proc/sys');
  mount('--bind', '/proc/sys/net', '/proc/sys/net');
  mount('-o', 'remount,bind,rw', '/proc/sys/net');
  for (const dir of ['/run/netns', '/var/run/netns']) if (existsSync(dir)) mount('-t', 'tmpfs', 'tmpfs', dir);
  execFileSync('/usr/sbin/ip', ['link', 'set', 'lo', 'up']);
  const box = join(scratch, 'box');
  for (const dir of ['', 'dir', 'prom', 'ro']) mkdirSync(join(box, dir), { recursive: true });
  mount('-t', 'tmpfs', '-o', 'ro', 'tmpfs', join(box, 'ro'));
  writeFileSync(join(box, 'good.conf'), 'net.ipv4.ip_local_port_range = 32768 60999\n');
  writeFileSync(join(box, 'bad.conf'), 'net.ipv4.ip_local_port_range = 032768 60999\n');
  writeFileSync(join(box, 'crlf.conf'), 'net.ipv4.ip_local_port_range = 32768 60999\r\n');
  symlinkSync('/etc/shadow', join(box, 'link.conf'));
  execFileSync('/usr/bin/mkfifo', [join(box, 'fifo')]);
  return { scratch, box };
}

function pathsIn(box: string): string[] {
  return [
    ...['good.conf', 'bad.conf', 'crlf.conf', 'link.conf', 'fifo', 'dir', 'prom', 'ro', 'ro/x.conf', 'new.conf', 'missing/x.conf'].map((p) =>
      join(box, p),
    ),
    '/etc/sysctl.d/90-ephemeral-ports.conf',
    '/etc/shadow',
    '/proc/sys/net/ipv4/ip_local_port_range',
    '/proc/sys/kernel/hostname',
    '/proc/kmsg',
    '/proc/self/ns/net',
    '/proc/self/ns/mnt',
    '/proc/1/ns/net',
    '/run/netns/nope',
    '/dev/zero',
    '/dev/null',
    'relative.conf',
    '../../etc/passwd',
  ];
}

const HOSTILE = [
  '', ' ', '-', '--', '-1', '0', '1', '2', '80', '1023', '1024', '40000', '50001', '65535', '65536', '99999999999',
  '1e3', '0x8000', '032768', '1.5', 'NaN', 'Infinity', '+1', '__proto__', 'constructor', 'toString', 'prototype',
  'none', 'all', 'tcp', 'udp', 'TCP', 'sctp', 'auto', 'netlink', 'procfs', 'ebpf', '40000-50001', '40000:50001',
  '40000 50001', '50001-40000', '1-65535', '8080,9000-9100', '8080,,', ',', 'bash', 'zsh', 'fish', 'linux',
  'freebsd', 'darwin', 'aix', 'win32', 'sysctl', 'kubernetes', 'k8s', 'compose', 'ansible', 'windows-netsh', 'pod',
  'deployment-patch', '8.8.8.8', '127.0.0.1', '::1', '0.0.0.0', '::', 'localhost', 'fe80::1%lo', '256.1.1.1',
  'a\nb', 'x\r\ny', '\u0000', '\u001b[31m', '%s%n', '${HOME}', '$(id)', '`id`', '"', "'", '\\', 'a'.repeat(5000), '💥',
];
const GENERIC_FLAGS = ['json', 'help', 'color', 'no-color', 'nope', 'force', 'dry-run', 'netns', 'protocol'];

/** Option names of a command, read from its --help. */
const optionsOf = (usage: string): string[] => [...new Set([...usage.matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)].map((m) => m[1]!))];

function argvFor(name: string, options: readonly string[], paths: readonly string[]) {
  const value = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 3, arbitrary: fc.constantFrom(...paths) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9:, -]{0,12}$/) },
    { weight: 1, arbitrary: fc.integer({ min: -70000, max: 140000 }).map(String) },
  );
  const flag = fc.constantFrom(...options, ...GENERIC_FLAGS);
  const token = fc.oneof(
    { weight: 3, arbitrary: flag.map((f) => [`--${f}`]) },
    { weight: 3, arbitrary: fc.tuple(flag, value).map(([f, v]) => [`--${f}`, v]) },
    { weight: 2, arbitrary: fc.tuple(flag, value).map(([f, v]) => [`--${f}=${v}`]) },
    { weight: 4, arbitrary: value.map((v) => [v]) },
    { weight: 1, arbitrary: fc.constantFrom(['-h'], ['-x'], ['--'], ['-']) },
  );
  return fc.array(token, { maxLength: 6 }).map((tokens) => tame(name, [...(name === '' ? [] : [name]), ...tokens.flat()]));
}

/** Keeps each run bounded (no server, no holding, one frame); the checks stay the same. */
function tame(name: string, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const skipValue = (flag: string) => {
      if (word === flag) i++;
    };
    if (name === 'metrics' && word.startsWith('--serve')) {
      skipValue('--serve');
      continue;
    }
    if ((name === 'watch' || name === 'free-port') && word.startsWith('--count')) {
      skipValue('--count');
      continue;
    }
    if (name === 'free-port' && word === '--hold') continue;
    // --version reads ../package.json beside the built cli.js; from the sources that file is not there.
    if (word === '--version' || word === '-V') continue;
    out.push(word);
  }
  if (name === 'watch') out.push('--count=1');
  return out;
}

function tree(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    const what = stat.isSymbolicLink()
      ? `-> ${readlinkSync(path)}`
      : stat.isFile()
        ? `${stat.mode.toString(8)} ${stat.uid} ${readFileSync(path, 'latin1')}`
        : `${stat.mode.toString(8)}`;
    out.push(`${path} ${what}`);
    if (stat.isDirectory()) tree(path, out);
  }
  return out;
}

// errno names, getaddrinfo's (EAI_AGAIN) as Node reports them, and the documented ERR_* codes.
const ALLOWED = new Set<string>(Object.values(ErrorCodes).filter((c) => c !== ErrorCodes.INTERNAL));
const typedCode = (code: string) => ALLOWED.has(code) || /^E[A-Z0-9_]+$/.test(code);
const STACK = /^\s+at .+(?::\d+:\d+\)?|\(native\))$/m;

interface Tally {
  runs: number;
  refused: number;
  succeeded: number;
  codes: Record<string, number>;
}

const commands = ['', 'help', ...Object.keys(COMMANDS)].filter((_, i) => i % SHARDS === SHARD);

describe.runIf(SANDBOXED)(`CLI fuzz (${RUNS} runs per command, seed ${SEED}; only inside the sandbox cli-fuzz.test.ts makes)`, () => {
  let sandbox: { scratch: string; box: string };
  const tallies: Record<string, Tally> = {};
  const unexpected: unknown[] = [];
  const onUnexpected = (e: unknown) => unexpected.push(e);

  // The overlay's work directory is the kernel's; everything else under the scratch tmpfs is compared.
  const state = () => ({
    range: readFileSync(KNOB, 'latin1').trim().split(/\s+/).join(' '),
    reserved: readFileSync(RESERVED, 'latin1').trim(),
    files: [...tree(join(sandbox.scratch, 'etc-upper')), ...tree(sandbox.box), ...tree(join(sandbox.scratch, 'cwd'))].join('\n'),
  });
  // What a refusal must leave: taken at the start and again after every run that succeeded (it may change files).
  let baseline: ReturnType<typeof state>;
  const resetLive = () => {
    writeFileSync(KNOB, BASE_RANGE);
    writeFileSync(RESERVED, BASE_RESERVED);
  };

  beforeAll(() => {
    sandbox = makeSandbox();
    // Generated argv name output files (`map --svg X`, `report --html X`) relative to the working directory: keep
    // them in the sandbox, never in the checkout.
    const cwd = join(sandbox.scratch, 'cwd');
    mkdirSync(cwd);
    process.chdir(cwd);
    resetLive();
    baseline = state();
    useBackend(createLinuxBackend());
    process.on('unhandledRejection', onUnexpected);
    process.on('uncaughtException', onUnexpected);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnexpected);
    process.off('uncaughtException', onUnexpected);
    useBackend(undefined);
    const report = process.env[FUZZ_ENV.report];
    if (report) writeFileSync(report, JSON.stringify({ seed: SEED, runs: RUNS, tallies }));
  });

  async function check(command: string, argv: string[]): Promise<void> {
    // One event-loop turn per run, as separate CLI processes would have: a run can settle in microtasks alone (a
    // lock and a probe both taken synchronously), and thousands of those in a row would starve vitest's own RPC.
    await new Promise((resolve) => setImmediate(resolve));
    const before = baseline;
    let timer: NodeJS.Timeout | undefined;
    const run = await Promise.race([
      runInProcess(argv),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no exit code within 20 s: ${JSON.stringify(argv)}`)), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const tally = (tallies[command] ??= { runs: 0, refused: 0, succeeded: 0, codes: {} });
    tally.runs++;
    const where = `${JSON.stringify(argv)} exited ${run.code}:\n${run.stderr.slice(0, 1500)}`;
    expect(unexpected.splice(0), `unhandled errors after ${where}`).toEqual([]);
    expect(STACK.test(run.stderr) || STACK.test(run.stdout), `a stack trace after ${where}`).toBe(false);
    // 0: done; 10-19: a diagnostic verdict (doctor), not an error.
    if (run.code === 0 || (run.code >= 10 && run.code <= 19)) {
      tally.succeeded++;
      resetLive();
      baseline = state();
      return;
    }
    tally.refused++;
    const code = argv.includes('--json')
      ? (JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as { error?: { code?: string } }).error?.code
      : /^error \[([^\]]+)\]: /.exec(run.stderr)?.[1];
    expect(code, `a refusal without a code: ${where}`).toBeDefined();
    tally.codes[code!] = (tally.codes[code!] ?? 0) + 1;
    expect(typedCode(code!), `untyped code ${code}: ${where}`).toBe(true);
    const after = state();
    expect(after.range, `the live range changed: ${where}`).toBe(before.range);
    expect(after.reserved, `the reserved ports changed: ${where}`).toBe(before.reserved);
    expect(after.files, `a file changed: ${where}`).toBe(before.files);
  }

  it.each(commands.map((name) => ({ name: name === '' ? '(no command)' : name, word: name })))(
    '$name: every refusal is typed and changes nothing; nothing prints a stack trace',
    async ({ name, word }) => {
      const usage = word === '' || word === 'help' ? '' : (await runInProcess([word, '--help'])).stdout;
      const options = word === '' ? ['protocol', 'netns'] : optionsOf(usage);
      await fc.assert(
        fc.asyncProperty(argvFor(word, options, pathsIn(sandbox.box)), (argv) => check(name, argv)),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      expect(tallies[name]!.runs).toBeGreaterThanOrEqual(RUNS);
    },
    600_000,
  );
});
