/**
 * A real terminal for tests: a detached tmux session of a given size on a private server (-L), running bash
 * without profiles. Tests type into it (send-keys) and read the screen (capture-pane). Needs tmux.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../cli/run-cli.js';

export const TMUX = '/usr/bin/tmux';
export const TMUX_MISSING = existsSync(TMUX) ? null : `${TMUX} missing; apt-get install tmux`;
/** For titles: `(real terminal in tmux; skipped: ...)`. */
export const TMUX_REQUIREMENT = `(real terminal in tmux${TMUX_MISSING ? `; skipped: ${TMUX_MISSING}` : ''})`;

export interface Terminal {
  /** Types text; `keys` are tmux key names sent after it (e.g. 'Tab', 'Enter'). */
  type(text: string, ...keys: string[]): void;
  /** The visible screen; with `escapes`, the colour codes too. `joined` undoes the terminal's own wrapping. */
  screen(options?: { escapes?: boolean; joined?: boolean }): string;
  /** Waits for bash's prompt on the last non-empty line (after the previous command has finished). */
  prompt(): Promise<string>;
  /** Waits until the screen matches (polls); returns the screen. */
  waitFor(pattern: RegExp, options?: { escapes?: boolean; joined?: boolean; timeoutMs?: number }): Promise<string>;
  /** A directory for the test's files, removed by close(). */
  dir: string;
  close(): void;
}

/**
 * Starts bash (or `shell`) in a `columns` x `rows` terminal with `ephemeral-ports` on PATH (the built CLI) and `env` set.
 * The prompt is `$ ` (capture-pane drops the trailing space). Wait for it (`prompt()`) before typing.
 */
export function openTerminal(
  columns: number,
  rows: number,
  env: NodeJS.ProcessEnv = {},
  shell: readonly string[] = ['/bin/bash', '--norc', '--noprofile'],
): Terminal {
  const dir = mkdtempSync(join(tmpdir(), 'ep-tmux-'));
  const bin = join(dir, 'bin');
  execFileSync('/bin/mkdir', [bin]);
  symlinkSync(BIN, join(bin, 'ephemeral-ports'));
  const socket = `ep-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const vars: NodeJS.ProcessEnv = {
    PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: dir,
    TERM: 'xterm-256color',
    PS1: '$ ',
    HISTFILE: '/dev/null',
    LC_ALL: 'C.UTF-8',
    ...env,
  };
  const exports = Object.entries(vars)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${shellQuote(v!)}`);
  tmux(
    'new-session', '-d', '-x', String(columns), '-y', String(rows),
    `exec /usr/bin/env -i ${exports.join(' ')} ${shell.join(' ')}`,
  );
  tmux('set-option', '-g', 'status', 'off');
  const screen = (options: { escapes?: boolean; joined?: boolean } = {}) =>
    tmux('capture-pane', '-p', ...(options.escapes ? ['-e'] : []), ...(options.joined ? ['-J'] : []));
  return {
    dir,
    type(text, ...keys) {
      if (text !== '') tmux('send-keys', '-l', '--', text);
      for (const key of keys) tmux('send-keys', key);
    },
    screen,
    prompt() {
      return this.waitFor(/\$\s*(?![\s\S]*\S)/);
    },
    async waitFor(pattern, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 10_000);
      let last = '';
      while (Date.now() < deadline) {
        last = screen(options);
        if (pattern.test(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`screen never matched ${pattern}:\n${last}`);
    },
    close() {
      try {
        const path = tmux('display-message', '-p', '#{socket_path}').trim();
        tmux('kill-server');
        // kill-server leaves the socket file behind.
        rmSync(path, { force: true });
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
