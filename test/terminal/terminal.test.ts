/**
 * The CLI in a real terminal (tmux): Tab completion through bash's own `complete` machinery, colour decided per
 * stream, and output wrapped to the terminal's width.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MEMORY_BACKEND, assertBuilt } from '../cli/run-cli.js';
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

const ZSH = '/usr/bin/zsh';
const FISH = '/usr/bin/fish';

describe.skipIf(TMUX_MISSING !== null || !existsSync(ZSH))(
  `zsh completion in a terminal ${TMUX_REQUIREMENT}${existsSync(ZSH) ? '' : ` (skipped: ${ZSH} missing; apt-get install zsh)`}`,
  () => {
    beforeAll(assertBuilt);

    it('zsh completes a command, a flag and its values through compinit', async () => {
      term = openTerminal(100, 20, MEMORY, [ZSH, '-f']);
      await term.prompt();
      term.type('autoload -Uz compinit && compinit -u -D && source <(ephemeral-ports completion zsh)', 'Enter');
      await term.prompt();
      term.type('ephemeral-ports us', 'Tab');
      await term.waitFor(/\$ ephemeral-ports usage$/m);
      term.type('--met', 'Tab');
      await term.waitFor(/ephemeral-ports usage --method$/m);
      term.type('', 'C-u');
      await term.prompt();
      term.type('ephemeral-ports get --pro', 'Tab', 'Tab');
      await term.waitFor(/^tcp\s+udp/m);
    });
  },
);

describe.skipIf(!existsSync(FISH))(`fish completion${existsSync(FISH) ? '' : ` (skipped: ${FISH} missing; apt-get install fish)`}`, () => {
  beforeAll(assertBuilt);

  it('fish completes commands, flags, values and emit targets (complete -C, fish\'s own machinery)', () => {
    const file = join(tmpdir(), `ep-completion-${process.pid}.fish`);
    writeFileSync(file, execFileSync(process.execPath, [BIN, 'completion', 'fish'], { encoding: 'utf8' }));
    const complete = (line: string) =>
      execFileSync(FISH, ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: tmpdir() },
      })
        .split('\n')
        .map((l) => l.split('\t')[0]);
    expect(complete('ephemeral-ports us')).toEqual(['usage', '']);
    expect(complete('ephemeral-ports get --pro')).toContain('--protocol');
    expect(complete('ephemeral-ports usage --method ')).toEqual(expect.arrayContaining(['auto', 'netlink', 'procfs']));
    expect(complete('ephport emit k')).toContain('kubernetes');
  });
});
