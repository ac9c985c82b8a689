/**
 * Terminal conventions of the built CLI when piped (the tmux tests in test/terminal cover a real terminal):
 * colour flags and variables per stream, no wrapping in a pipe, one remedy per failure, "did you mean",
 * completion scripts, the man page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEnv, ROOT, assertBuilt, memoryEnv, runCli } from './run-cli.js';

beforeAll(assertBuilt);

let mem: MemoryEnv;
beforeEach(() => {
  mem = memoryEnv({ EP_TEST_RANGE: '40000-50000' });
});
afterEach(() => mem.cleanup());

const ESC = '\u001b[';

describe('colour, per stream', () => {
  it('FORCE_COLOR colours piped stdout and stderr; --no-color outranks it', async () => {
    const forced = await runCli(['get'], { ...mem.env, FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(ESC);
    expect(forced.stderr).toContain(`${ESC}33mwarning`);
    const off = await runCli(['get', '--no-color'], { ...mem.env, FORCE_COLOR: '1' });
    expect(off.stdout + off.stderr).not.toContain(ESC);
  });

  it('--color colours a pipe even with NO_COLOR; NO_COLOR alone keeps it plain', async () => {
    const on = await runCli(['--color', 'get'], { ...mem.env, NO_COLOR: '1' });
    expect(on.stdout).toContain(ESC);
    const plain = await runCli(['get'], { ...mem.env, NO_COLOR: '1', FORCE_COLOR: '0' });
    expect(plain.stdout + plain.stderr).not.toContain(ESC);
  });

  it('--json output never has escape codes, even when colour is forced', async () => {
    const r = await runCli(['get', '--json', '--color'], mem.env);
    expect(r.stdout).not.toContain(ESC);
    expect(JSON.parse(r.stdout).range).toEqual({ low: 40000, high: 50000 });
  });

  it('--color=always|auto|never are accepted; another value is a usage error', async () => {
    expect((await runCli(['get', '--color=always'], mem.env)).stdout).toContain(ESC);
    expect((await runCli(['get', '--color=never'], { ...mem.env, FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
    const bad = await runCli(['get', '--color=sometimes'], mem.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--color takes always, auto or never');
  });

  it('errors are coloured by the stderr decision', async () => {
    const r = await runCli(['set', '1-2'], { ...mem.env, FORCE_COLOR: '1' });
    expect(r.stderr).toContain(`${ESC}31merror [`);
  });
});

describe('wrapping', () => {
  it('piped output is not wrapped: long help lines stay whole', async () => {
    const r = await runCli(['set', '--help'], mem.env);
    const long = r.stdout.split('\n').filter((l) => l.length > 100);
    expect(long.length).toBeGreaterThan(0);
  });
});

describe('one remedy per failure', () => {
  it('a permission failure names the remedy once', async () => {
    const r = await runCli(['set', '40000-50001'], { ...mem.env, EP_TEST_FAIL_SET: 'EACCES' });
    expect(r.code).toBe(77);
    expect(r.stderr.split('run as root')).toHaveLength(2);
  });
});

describe('did you mean', () => {
  it('suggests the closest command for a typo, exit 2', async () => {
    const r = await runCli(['usgae'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "usgae"');
    expect(r.stderr).toContain('did you mean "ephemeral-ports usage"?');
  });

  it('suggests the closest flag of that command, exit 2', async () => {
    const r = await runCli(['get', '--protcol', 'udp'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean --protocol?');
    const far = await runCli(['get', '--frobnicate'], mem.env);
    expect(far.stderr).not.toContain('did you mean');
  });
});

describe('completion scripts', () => {
  it('bash: valid syntax, registers both program names, lists every command and a command\'s flags', async () => {
    const r = await runCli(['completion', 'bash'], mem.env);
    expect(r.code).toBe(0);
    const file = join(tmpdir(), `ep-completion-${process.pid}.bash`);
    writeFileSync(file, r.stdout);
    execFileSync('/bin/bash', ['-n', file]);
    expect(r.stdout).toContain('complete -F _ephemeral_ports ephemeral-ports ephport');
    for (const c of ['usage', 'explain', 'emit', 'completion']) expect(r.stdout).toContain(` ${c}`);
    // The words bash would offer after `ephemeral-ports get --`, computed by bash itself.
    const words = execFileSync('/bin/bash', [
      '-c',
      `source ${file}; COMP_WORDS=(ephemeral-ports get --); COMP_CWORD=2; _ephemeral_ports; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ]).toString();
    expect(words.split('\n')).toEqual(expect.arrayContaining(['--protocol', '--netns', '--json', '--help']));
  });

  const shells = [
    ['zsh', '/usr/bin/zsh'],
    ['fish', '/usr/bin/fish'],
  ] as const;
  for (const [shell, bin] of shells) {
    const missing = !existsSync(bin);
    it.skipIf(missing)(`${shell}: the shell parses it${missing ? ` (skipped: ${bin} missing; apt-get install ${shell})` : ''}`, async () => {
      const r = await runCli(['completion', shell], mem.env);
      expect(r.code).toBe(0);
      const file = join(tmpdir(), `ep-completion-${process.pid}.${shell}`);
      writeFileSync(file, r.stdout);
      execFileSync(bin, ['-n', file]);
      expect(r.stdout).toContain('explain');
    });
  }

  it('an unknown shell is a usage error with a suggestion', async () => {
    const r = await runCli(['completion', 'bsh'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean bash?');
  });
});

const MAN = join(ROOT, 'packages/ephemeral-ports/man/ephemeral-ports.1');
const GROFF = '/usr/bin/groff';
const MAN_BIN = '/usr/bin/man';

describe('man page (generated at build from the --help texts)', () => {
  it('is declared in package.json "man", packed, and built by the build script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/ephemeral-ports/package.json'), 'utf8'));
    expect(pkg.man).toEqual(['./man/ephemeral-ports.1']);
    expect(pkg.files).toContain('man');
    // After tsup, which cleans dist/, and after the other builds (get-port's import build): it runs the built CLI.
    expect(pkg.scripts.build).toMatch(/^tsup && (tsup --config [\w.-]+ && |node scripts\/[\w-]+\.js && )*node scripts\/man-page\.js$/);
  });

  it('is in the packed files (npm pack --dry-run)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: join(ROOT, 'packages/ephemeral-ports'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('man/ephemeral-ports.1');
  });

  it('documents every command and option that --help shows', async () => {
    expect(existsSync(MAN), 'run `npm run build` in packages/ephemeral-ports').toBe(true);
    const page = readFileSync(MAN, 'utf8').replace(/\\-/g, '-');
    const help = await runCli(['--help'], mem.env);
    for (const name of help.stdout.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)) expect(page).toContain(`.SS ${name[1]}`);
    const set = await runCli(['set', '--help'], mem.env);
    for (const flag of set.stdout.matchAll(/^ {2}(--[\w-]+)/gm)) expect(page).toContain(flag[1]);
    expect(page).not.toMatch(/[^\x00-\x7f]/);
  });

  it.skipIf(!existsSync(GROFF))(`groff -z -man -ww finds nothing to warn about${existsSync(GROFF) ? '' : ' (skipped: apt-get install groff)'}`, () => {
    const out = execFileSync(GROFF, ['-z', '-man', '-ww', MAN], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });

  it.skipIf(!existsSync(MAN_BIN))(`man --warnings -l renders it without warnings${existsSync(MAN_BIN) ? '' : ' (skipped: apt-get install man-db)'}`, () => {
    const r = execFileSync('/bin/sh', ['-c', `${MAN_BIN} --warnings -l ${MAN} 2>&1 >/dev/null`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, MANWIDTH: '80', LC_ALL: 'C' },
    });
    expect(r).toBe('');
  });
});
