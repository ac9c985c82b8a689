/** The facade re-exports core and every value of the free-port and diagnostics modules (some through lazy wrappers). */
import { describe, expect, it } from 'vitest';
import * as core from '@ephemeral-ports/core';
import * as facade from 'ephemeral-ports';
import * as diagnostics from '../../packages/ephemeral-ports/src/diagnostics/index.js';
import * as freePort from '../../packages/ephemeral-ports/src/free-port/index.js';

const values = (mod: object) => Object.entries(mod).filter(([, v]) => v !== undefined);

describe('facade exports', () => {
  it('re-exports core (where the facade does not define a richer version of the same name)', () => {
    const own = new Set(['explainPort']); // core's is the Windows-only helper; the facade's covers every OS
    for (const [name, value] of values(core)) {
      if (own.has(name)) continue;
      expect((facade as Record<string, unknown>)[name], name).toBe(value);
    }
  });

  it('exports every free-port and diagnostics value with the same kind (lazy wrappers keep the API whole)', () => {
    for (const [name, value] of [...values(freePort), ...values(diagnostics)]) {
      expect(typeof (facade as Record<string, unknown>)[name], name).toBe(typeof value);
    }
  });

  it('lazy free-port wrappers answer "nothing held" before first use and delegate after', async () => {
    expect(facade.heldPorts()).toEqual([]);
    expect(facade.releasePort(40000)).toBe(false);
    expect(facade.clearLockedPorts()).toBe(0);
    expect([...facade.portNumbers(3000, 3002)]).toEqual([3000, 3001, 3002]);
  });
});
