/**
 * The facade's front door is small (what the README documents); core stays whole behind `ephemeral-ports/core`;
 * lazy wrappers at the root keep the kind of what they wrap.
 */
import { describe, expect, it } from 'vitest';
import * as core from '@ephemeral-ports/core';
import * as facade from 'ephemeral-ports';
import * as coreSubpath from 'ephemeral-ports/core';
import * as diagnostics from '../../packages/ephemeral-ports/src/diagnostics/index.js';
import * as freePort from '../../packages/ephemeral-ports/src/free-port/index.js';

const values = (mod: object) => Object.entries(mod).filter(([, v]) => v !== undefined);

describe('facade exports', () => {
  it('the root has at most 30 runtime names, the error classes and code list among them', () => {
    const names = Object.keys(facade);
    expect(names.length).toBeLessThanOrEqual(30);
    for (const name of ['EphemeralPortsError', 'EphemeralPortsTypeError', 'EphemeralPortsRangeError', 'ErrorCodes']) {
      expect((facade as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
    }
  });

  it('ephemeral-ports/core re-exports every value of core, the same objects', () => {
    for (const [name, value] of values(core)) {
      expect((coreSubpath as Record<string, unknown>)[name], name).toBe(value);
    }
  });

  it('root values that wrap a free-port or diagnostics value have the same kind (lazy wrappers keep the API whole)', () => {
    for (const [name, value] of [...values(freePort), ...values(diagnostics)]) {
      if (!(name in facade)) continue;
      expect(typeof (facade as Record<string, unknown>)[name], name).toBe(typeof value);
    }
  });

  it('lazy free-port wrappers answer "nothing held" before first use and delegate after', async () => {
    expect(facade.heldPorts()).toEqual([]);
    expect(facade.releasePort(40000)).toBe(false);
    // Not a port: the error Node would throw, before and after the module loads.
    expect(() => facade.releasePort('40000' as never)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => facade.releasePort(70000)).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }));
    expect(facade.clearLockedPorts()).toBe(0);
    expect([...facade.portNumbers(3000, 3002)]).toEqual([3000, 3001, 3002]);
  });
});
