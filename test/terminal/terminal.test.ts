/**
 * The CLI in a real terminal (tmux): Tab completion through bash's own `complete` machinery, colour decided per
 * stream, and output wrapped to the terminal's width.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEMORY_BACKEND, assertBuilt } from '../cli/run-cli.js';
import { TMUX_MISSING, TMUX_REQUIREMENT, type Terminal, openTerminal } from './tmux.js';

let term: Terminal | undefined;
afterEach(() => {
  term?.close();
  term = undefined;
});

/** The memory backend with a range whose even ends draw a warning (stderr) next to the range (stdout). */
const MEMORY = { EPHEMERAL_PORTS_BACKEND: MEMORY_BACKEND, EP_TEST_RANGE: '40000-50000' };
const ESC = '\u001b[';

describe.skipIf(TMUX_MISSING !== null)(`ephemeral-ports in a terminal ${TMUX_REQUIREMENT}`, () => {
  beforeAll(assertBuilt);

  it('bash completes a command, a flag and a flag value on Tab', async () => {
    term = openTerminal(100, 20, MEMORY);
    await term.prompt();
    term.type('source <(ephemeral-ports completion bash)', 'Enter');
    await term.prompt();
    term.type('ephemeral-ports us', 'Tab');
    await term.waitFor(/\$ ephemeral-ports usage$/m);
    term.type('--met', 'Tab');
    await term.waitFor(/ephemeral-ports usage --method$/m);
    term.type('net', 'Tab');
    await term.waitFor(/ephemeral-ports usage --method netlink$/m);
    term.type('', 'C-u');
    // Two candidates: a second Tab lists them.
    term.type('ephemeral-ports e', 'Tab', 'Tab');
    const screen = await term.waitFor(/emit\s+explain/);
    expect(screen).toContain('explain');
  });

  it('the alias ephport completes the same way', async () => {
    term = openTerminal(100, 20, MEMORY);
    await term.prompt();
    term.type('source <(ephemeral-ports completion bash)', 'Enter');
    await term.prompt();
    term.type('ephport compl', 'Tab');
    await term.waitFor(/\$ ephport completion$/m);
    term.type('z', 'Tab');
    await term.waitFor(/\$ ephport completion zsh$/m);
  });

  it('colours stdout by stdout\'s terminal and stderr by stderr\'s', async () => {
    term = openTerminal(100, 30, MEMORY);
    await term.prompt();
    const err = join(term.dir, 'stderr.txt');
    const out = join(term.dir, 'stdout.txt');
    // stdout on the terminal, stderr to a file: only stdout is coloured.
    term.type(`ephemeral-ports get 2>${err}; echo done-1`, 'Enter');
    const screen = await term.waitFor(/^done-1/m, { escapes: true });
    expect(screen).toMatch(/tcp ephemeral range:\s+\u001b\[1m40000-50000/);
    expect(readFileSync(err, 'utf8')).toMatch(/^warning \[RANGE_EQUAL_PARITY\]/m);
    // stdout to a file, stderr on the terminal: only stderr is coloured.
    await term.prompt();
    term.type(`ephemeral-ports get >${out}; echo done-2`, 'Enter');
    const second = await term.waitFor(/^done-2/m, { escapes: true });
    expect(second).toMatch(/\u001b\[33mwarning/);
    expect(readFileSync(out, 'utf8')).not.toContain(ESC);
    expect(readFileSync(out, 'utf8')).toMatch(/tcp ephemeral range:\s+40000-50000/);
  });

  it('NO_COLOR and --no-color keep a terminal plain; FORCE_COLOR=0 too', async () => {
    term = openTerminal(120, 50, MEMORY);
    await term.prompt();
    term.type('NO_COLOR=1 ephemeral-ports get; ephemeral-ports get --no-color; FORCE_COLOR=0 ephemeral-ports get; echo done', 'Enter');
    const screen = await term.waitFor(/^done/m, { escapes: true });
    expect(screen.split('\n').filter((l) => l.includes('ephemeral range'))).toHaveLength(3);
    expect(screen.replace(/^\$ .*$/gm, '')).not.toMatch(/\u001b\[(?:1|31|33)m/);
  });

  it('wraps help to the terminal width at word boundaries, options under their description', async () => {
    term = openTerminal(60, 60, MEMORY);
    await term.prompt();
    term.type('ephemeral-ports set --help; echo done', 'Enter');
    // -J joins lines the terminal itself wrapped: a line longer than 60 here means we did not wrap it.
    const screen = await term.waitFor(/^done/m, { joined: true });
    const lines = screen.split('\n').filter((l) => !l.startsWith('$'));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60);
    const i = lines.findIndex((l) => l.startsWith('  --dry-run'));
    const column = lines[i]!.indexOf('Print');
    expect(lines[i + 1]).toMatch(new RegExp(`^ {${column}}\\S`));
  });
});
