import { describe, expect, it } from 'vitest';
import { colorFor, reflowParagraphs, takeColorFlags, visibleLength, wrapText, wrappingWriter } from './terminal.js';

const tty = () => true;
const pipe = () => false;

describe('colorFor: flag, then FORCE_COLOR, then NO_COLOR, then TERM=dumb, then the stream', () => {
  it('follows the stream when nothing is set', () => {
    expect(colorFor('auto', {}, tty)).toBe(true);
    expect(colorFor('auto', {}, pipe)).toBe(false);
  });
  it('NO_COLOR (non-empty) turns colour off on a TTY; empty means unset', () => {
    expect(colorFor('auto', { NO_COLOR: '1' }, tty)).toBe(false);
    expect(colorFor('auto', { NO_COLOR: '' }, tty)).toBe(true);
  });
  it('FORCE_COLOR colours a pipe and outranks NO_COLOR; 0/false turn colour off', () => {
    expect(colorFor('auto', { FORCE_COLOR: '1' }, pipe)).toBe(true);
    expect(colorFor('auto', { FORCE_COLOR: '', NO_COLOR: '1' }, pipe)).toBe(true);
    expect(colorFor('auto', { FORCE_COLOR: '0' }, tty)).toBe(false);
    expect(colorFor('auto', { FORCE_COLOR: 'false' }, tty)).toBe(false);
  });
  it('--color/--no-color outrank the environment', () => {
    expect(colorFor('always', { NO_COLOR: '1' }, pipe)).toBe(true);
    expect(colorFor('never', { FORCE_COLOR: '1' }, tty)).toBe(false);
  });
  it('TERM=dumb turns colour off on a TTY', () => {
    expect(colorFor('auto', { TERM: 'dumb' }, tty)).toBe(false);
  });
});

describe('takeColorFlags', () => {
  it('removes the colour flags anywhere before --, the last one wins', () => {
    expect(takeColorFlags(['get', '--no-color', '--json', '--color'])).toEqual({ argv: ['get', '--json'], color: 'always' });
    expect(takeColorFlags(['--color=never', 'get'])).toEqual({ argv: ['get'], color: 'never' });
    expect(takeColorFlags(['get', '--', '--color'])).toEqual({ argv: ['get', '--', '--color'], color: 'auto' });
  });
  it('leaves an unknown --color value for the parser to refuse', () => {
    expect(takeColorFlags(['get', '--color=sometimes']).argv).toEqual(['get', '--color=sometimes']);
  });
});

describe('wrapText', () => {
  const long = 'The range is validated for this OS first; then safety rails refuse a range that is too small.';

  it('wraps at spaces within the width and keeps every word', () => {
    const out = wrapText(long, 40);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(out.split(/\s+/)).toEqual(long.split(/\s+/));
  });

  it('indents continuation lines under an option description', () => {
    const row = `  --dry-run       ${long}`;
    const lines = wrapText(row, 60).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {18}\S/);
  });

  it('indents under the value of an error line', () => {
    const lines = wrapText(`error [EACCES]: ${long}`, 50).split('\n');
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {16}\S/);
  });

  it('leaves short lines, colour codes and an unbreakable word alone', () => {
    expect(wrapText('short\n\n  line', 30)).toBe('short\n\n  line');
    const red = `\u001b[31m${'x'.repeat(30)}\u001b[39m`;
    expect(visibleLength(red)).toBe(30);
    expect(wrapText(red, 30)).toBe(red);
    const path = `see /${'a'.repeat(60)}`;
    expect(wrapText(path, 30)).toBe(`see\n/${'a'.repeat(60)}`);
  });

  it('does nothing without a width (piped output)', () => {
    let written = '';
    const w = wrappingWriter({ write: (s: string) => (written += s) }, () => undefined);
    w.write(`${long}${long}\n`);
    expect(written).toBe(`${long}${long}\n`);
  });
});

describe('wrapText: long words', () => {
  it('puts a word too long for the hanging indent under the line\'s own indent', () => {
    const row = `  --persist     Also write /etc/sysctl.d/<NN>-ephemeral-ports.conf now`;
    const out = wrapText(row, 44).split('\n');
    expect(out).toContain('  /etc/sysctl.d/<NN>-ephemeral-ports.conf');
    for (const line of out) expect(line.length).toBeLessThanOrEqual(44);
  });
});

describe('reflowParagraphs (help text on a narrow terminal)', () => {
  const help = 'Usage: x\n\nFirst line of prose that is long,\nsecond line.\n\nOptions:\n  --a  one\n  --b  two\n';
  it('joins the lines of a paragraph that is too wide, and nothing else', () => {
    expect(reflowParagraphs(help, 20)).toBe('Usage: x\n\nFirst line of prose that is long, second line.\n\nOptions:\n  --a  one\n  --b  two\n');
    expect(wrapText(reflowParagraphs(help, 20), 20)).toContain('First line of prose\nthat is long, second\nline.');
  });
  it('leaves a paragraph that fits', () => {
    expect(reflowParagraphs(help, 80)).toBe(help);
  });
});
