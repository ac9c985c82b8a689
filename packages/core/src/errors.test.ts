/**
 * instanceof across copies of core: an app may hold two (two installs, or get-port's `import` build, which bundles
 * its own), and an error made by one must still be an instance of the other's class. Here the second copy is the
 * CommonJS build (dist/, which npm test builds first).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError, EphemeralPortsRangeError, EphemeralPortsTypeError, invalidArgType, outOfRange } from './errors.js';

const BUILT = new URL('../dist/model.js', import.meta.url);
const built = existsSync(BUILT);

describe.runIf(built)(`two copies of core${built ? '' : ' (skipped: packages/core/dist is not built; npm run build)'}`, () => {
  const other = createRequire(import.meta.url)(BUILT.pathname) as typeof import('./errors.js');

  it('are two copies, and the built one names its classes as the source does', () => {
    expect(other.EphemeralPortsError).not.toBe(EphemeralPortsError);
    const built = new other.EphemeralPortsError('EACCES', 'denied');
    expect(built.constructor.name).toBe('EphemeralPortsError');
    expect(inspect(built).split('\n')[0]).toBe('EphemeralPortsError: denied');
    expect(Object.keys(built).sort()).toEqual(['code', 'name']);
  });

  it("each copy's errors are instances of the other's classes, and of Node's", () => {
    const pairs = [
      [new other.EphemeralPortsError('EACCES', 'denied'), EphemeralPortsError, Error],
      [other.invalidArgType('port', 'a number', 'x'), EphemeralPortsTypeError, TypeError],
      [other.outOfRange('port', '>= 1', 0), EphemeralPortsRangeError, RangeError],
      [new EphemeralPortsError('EACCES', 'denied'), other.EphemeralPortsError, Error],
      [invalidArgType('port', 'a number', 'x'), other.EphemeralPortsTypeError, TypeError],
      [outOfRange('port', '>= 1', 0), other.EphemeralPortsRangeError, RangeError],
    ] as const;
    for (const [error, ours, node] of pairs) {
      expect(error instanceof ours, `${error.name} ${error.code}`).toBe(true);
      expect(error instanceof node).toBe(true);
    }
  });

  it('keeps the classes apart, and refuses what none of them made', () => {
    const typeError = invalidArgType('port', 'a number', 'x');
    expect(typeError instanceof other.EphemeralPortsError).toBe(false);
    expect(typeError instanceof other.EphemeralPortsRangeError).toBe(false);
    expect(new EphemeralPortsError('EACCES', 'denied') instanceof other.EphemeralPortsTypeError).toBe(false);
    for (const value of [new Error('x'), Object.assign(new Error('x'), { code: 'EACCES' }), { code: 'EACCES' }, null, undefined, 'EACCES']) {
      expect(value instanceof EphemeralPortsError).toBe(false);
      expect(value instanceof other.EphemeralPortsError).toBe(false);
    }
  });
});

describe('a subclass', () => {
  class NotReadError extends EphemeralPortsError {}

  it('is checked as usual, and its errors are EphemeralPortsErrors', () => {
    expect(new NotReadError('EIO', 'read failed') instanceof NotReadError).toBe(true);
    expect(new NotReadError('EIO', 'read failed') instanceof EphemeralPortsError).toBe(true);
    expect(new EphemeralPortsError('EIO', 'read failed') instanceof NotReadError).toBe(false);
  });
});

describe('how an error shows', () => {
  it('under its own class name, with only the details it has', () => {
    const error = new EphemeralPortsError('EACCES', 'denied', { syscall: 'open' });
    expect(error.constructor.name).toBe('EphemeralPortsError');
    expect(inspect(error).split('\n')[0]).toBe('EphemeralPortsError: denied');
    expect(Object.keys(error).sort()).toEqual(['code', 'name', 'syscall']);
    const typeError = invalidArgType('port', 'a number', 'x');
    expect(typeError.constructor.name).toBe('EphemeralPortsTypeError');
    expect(inspect(typeError).split('\n')[0]).toMatch(/^EphemeralPortsTypeError\b.*: The "port" argument/);
    expect(outOfRange('port', '>= 1', 0).constructor.name).toBe('EphemeralPortsRangeError');
  });
});
