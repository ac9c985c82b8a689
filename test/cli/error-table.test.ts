/**
 * docs/errors.md is the one table of codes: every `ErrorCodes` value has a row, and every row's exit code is the
 * one the CLI returns for that code (exitCodeFor), so the table and the CLI cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, EphemeralPortsError, invalidArgType, outOfRange } from '@ephemeral-ports/core';
import { exitCodeFor } from '../../packages/ephemeral-ports/src/cli/exit.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');

/** [codes of the row, its exit code] for every table row whose first cell names codes in backticks. */
function rows(): Array<[string[], number]> {
  const out: Array<[string[], number]> = [];
  for (const line of DOC.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6) continue;
    const codes = [...cells[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!);
    const exit = Number(cells[cells.length - 2]);
    if (codes.length > 0 && Number.isInteger(exit)) out.push([codes, exit]);
  }
  return out;
}

const documented = new Map(rows().flatMap(([codes, exit]) => codes.map((c) => [c, exit] as const)));

describe('docs/errors.md', () => {
  it('has a row for every ErrorCodes value', () => {
    for (const code of new Set(Object.values(ErrorCodes))) expect(documented.has(code), code).toBe(true);
  });

  it('gives each code the exit code the CLI returns for it', () => {
    expect(documented.size).toBeGreaterThan(Object.keys(ErrorCodes).length);
    for (const [code, exit] of documented) expect(exitCodeFor({ code }), code).toBe(exit);
  });

  it('lists the privilege errnos as 77 and any other errno as 1, as the CLI does', () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) expect(documented.get(code)).toBe(77);
    expect(DOC).toMatch(/\| any other errno name \| OS \|.*\| 1 \|/);
    expect(exitCodeFor(new EphemeralPortsError('EXDEV', 'x'))).toBe(1);
  });

  it('the CLI maps the error objects, not only their codes', () => {
    expect(exitCodeFor(invalidArgType('port', 'of type number', '80'))).toBe(2);
    expect(exitCodeFor(outOfRange('port', '>= 0 && <= 65535', 70000))).toBe(2);
    expect(exitCodeFor(new EphemeralPortsError('EACCES', 'x', { winCode: 'ERROR_ELEVATION_REQUIRED' }))).toBe(77);
    expect(exitCodeFor(new Error('a bug'))).toBe(1);
  });
});
