/**
 * The completion scripts offer the values the parsers accept, read from the same specs (the --help texts, whose
 * lists are the parsers' own constants): bash is run on its script to see what it offers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS_SUBJECTS } from '@ephemeral-ports/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBERNETES_KINDS } from '../emit/kubernetes.js';
import { FREE_PORT_PROTOCOLS } from '../free-port/options.js';
import { COMMANDS } from './commands/index.js';
import { ACTIONS } from './commands/reserved.js';
import { type CompletionInput, completionScript } from './completion.js';
import { specOf } from './specs.js';
import summary from './summary.js';

let input: CompletionInput;
let dir: string;
let bashFile: string;

beforeAll(async () => {
  const commands = await Promise.all(Object.keys(COMMANDS).map(async (n) => specOf((await COMMANDS[n]!()).default)));
  input = { main: specOf(summary), commands };
  dir = mkdtempSync(join(tmpdir(), 'ep-completion-'));
  bashFile = join(dir, 'c.bash');
  writeFileSync(bashFile, completionScript('bash', input));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the last word of `line` (an empty last word: after a space). */
function bash(line: string): string[] {
  const words = line.split(' ');
  const script = `source ${bashFile}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ephemeral_ports; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter((w) => w !== '' && !w.startsWith('-'));
}

const spec = (name: string) => input.commands.find((c) => c.name === name)!;

describe('completion values come from the parsers\' own lists', () => {
  it('free-port --protocol offers both; other commands\' --protocol does not', () => {
    expect(spec('free-port').options.find((o) => o.name === 'protocol')?.choices).toEqual([...FREE_PORT_PROTOCOLS]);
    expect(bash('ephemeral-ports free-port --protocol ')).toEqual(['tcp', 'udp', 'both']);
    expect(bash('ephemeral-ports get --protocol ')).toEqual(['tcp', 'udp']);
    expect(bash('ephemeral-ports --json --protocol ')).toEqual(['tcp', 'udp']);
  });

  it('emit --kind offers the Kubernetes kinds', () => {
    expect(spec('emit').options.find((o) => o.name === 'kind')?.choices).toEqual([...KUBERNETES_KINDS]);
    expect(bash('ephemeral-ports emit kubernetes --kind ')).toEqual([...KUBERNETES_KINDS]);
  });

  it('defaults <os> offers every subject', () => {
    expect(spec('defaults').targets).toEqual([...DEFAULTS_SUBJECTS]);
    expect(bash('ephemeral-ports defaults ')).toEqual([...DEFAULTS_SUBJECTS]);
  });

  it('reserved offers its actions, and only as the first word', () => {
    expect(spec('reserved').targets).toEqual([...ACTIONS]);
    expect(bash('ephemeral-ports reserved ')).toEqual([...ACTIONS]);
    expect(bash('ephemeral-ports reserved set ')).toEqual([]);
  });

  it('zsh and fish carry the same values', () => {
    const zsh = completionScript('zsh', input);
    const fish = completionScript('fish', input);
    expect(zsh).toContain(`--protocol'[Must be free for this transport, or both (default tcp)]:tcp|udp|both:(tcp udp both)'`);
    expect(zsh).toContain(`'1:target:(${DEFAULTS_SUBJECTS.join(' ')})'`);
    expect(zsh).toContain(`'1:target:(${ACTIONS.join(' ')})'`);
    expect(zsh).toContain(`(${KUBERNETES_KINDS.join(' ')})`);
    expect(fish).toContain(`-n '__fish_seen_subcommand_from reserved' -a '${ACTIONS.join(' ')}'`);
    expect(fish).toContain(`-n '__fish_seen_subcommand_from defaults' -a '${DEFAULTS_SUBJECTS.join(' ')}'`);
    expect(fish).toContain(`-l kind -x -a '${KUBERNETES_KINDS.join(' ')}'`);
  });
});
