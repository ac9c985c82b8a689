/**
 * Long-running CLI modes: `watch` in a real pseudo-terminal (tmux) — redraws in place, hides the cursor, stops on
 * Ctrl-C and restores the cursor (checked in the raw bytes: tmux's cursor_flag is not updated once a pane is dead) — and `metrics --serve`, scraped over HTTP and stopped with SIGINT.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, ROOT_DIR, type Netns } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';
import { BACKEND_FIXTURE, CLI_ENTRY, CLI_ENV } from './fixtures/run-cli.js';

const tmuxTool = optionalTool('tmux');
const EXIT_RECORDER = 'test/census/fixtures/exit-recorder.mjs';
const promtool = optionalTool('promtool');
const RANGE = { low: 41000, high: 41999 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.runIf(canUseNetns && tmuxTool.run)(`watch in a pseudo-terminal (tmux) ${NETNS_REQUIREMENT} ${tmuxTool.title}`, () => {
  const socket = `census-watch-${process.pid}`;
  const raw = join(tmpdir(), `census-watch-${process.pid}.raw`);
  const exitFile = join(tmpdir(), `census-watch-${process.pid}.exit`);
  const tmux = (...args: string[]) => run(tmuxTool.path, ['-L', socket, ...args]);
  let ns: Netns;

  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(RANGE.low, RANGE.high);
  });
  afterAll(async () => {
    await tmux('kill-server');
    await rm(raw, { force: true });
    await rm(exitFile, { force: true });
    await ns?.close();
  });

  it('redraws in place every second, hides the cursor, and exits 0 on Ctrl-C with the cursor restored', async () => {
    const started = await tmux(
      'new-session', '-d', '-s', 'w', '-x', '120', '-y', '30', '-c', ROOT_DIR,
      '-e', `EPHEMERAL_PORTS_BACKEND=${BACKEND_FIXTURE}`,
      process.execPath, EXIT_RECORDER, exitFile, process.execPath, '--import', 'tsx', CLI_ENTRY, 'watch', '--netns', ns.path,
      ';', 'set-option', '-t', 'w', 'remain-on-exit', 'on',
      // The raw bytes the program wrote, to check the cursor is restored (tmux runs this through /bin/sh).
      ';', 'pipe-pane', '-t', 'w', '-o', `exec /usr/bin/cat > ${raw}`,
    );
    expect(started.stderr).toBe('');
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'w')).stdout;
    const first = await waitFor(async () => {
      const s = await screen();
      return s.includes(`range ${RANGE.low}-${RANGE.high}`) ? s : undefined;
    }, 'the first frame');
    expect(first).toMatch(/\[\.+\]\s+0\.0%/); // the pressure bar of an idle range
    expect((await tmux('display-message', '-p', '-t', 'w', '#{cursor_flag}')).stdout.trim()).toBe('0');
    const clock = (s: string) => /watch\s+(\S+)/.exec(s)?.[1];
    // A later frame: the clock moved, and the header is still on the first line only (drawn in place, no scrolling).
    const later = await waitFor(async () => {
      const s = await screen();
      return clock(s) !== clock(first) ? s : undefined;
    }, 'a second frame', 10_000);
    expect(later.split('\n')[0]).toContain('ephemeral-ports watch');
    expect(later.match(/ephemeral-ports watch/g)).toHaveLength(1);

    await tmux('send-keys', '-t', 'w', 'C-c');
    const status = await waitFor(async () => (await readFile(exitFile, 'utf8').catch(() => '')) || undefined, 'watch to exit', 15_000);
    expect(status).toBe('0'); // exit code 0, not killed by the signal
    // Last cursor-visibility sequence written: show (ESC[?25h), after the hide at start.
    const bytes = await waitFor(async () => {
      const text = await readFile(raw, 'latin1').catch(() => '');
      return text.includes('\u001b[?25h') ? text : undefined;
    }, 'the raw output', 5_000);
    expect(bytes.indexOf('\u001b[?25l')).toBeGreaterThanOrEqual(0);
    expect(bytes.lastIndexOf('\u001b[?25h')).toBeGreaterThan(bytes.lastIndexOf('\u001b[?25l'));
  });
});

describe.runIf(canUseNetns)(`metrics --serve ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(RANGE.low, RANGE.high);
  });
  afterAll(async () => ns?.close());

  it(`serves /metrics on 127.0.0.1, 404 elsewhere, and stops on SIGINT; then promtool check metrics ${promtool.title}`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'metrics', '--serve', '0', '--netns', ns.path], {
      cwd: ROOT_DIR,
      env: CLI_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      const url = await waitFor(async () => /serving (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stderr)?.[1], 'the server to listen');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const body = await res.text();
      expect(body).toContain(`ephemeral_ports_range_low ${RANGE.low}`);
      if (promtool.run) expect((await run(promtool.path, ['check', 'metrics'], body)).code).toBe(0);
      expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
