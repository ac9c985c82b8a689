/**
 * `emit windows-netsh`, run: every netsh line of the emitted script goes through the netsh double (EMULATED: its rules
 * cite KB929851), which keeps IPv4 and IPv6 apart because Microsoft does not say they share one range. A script that
 * set one family only would leave the other on the old range here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialState, netsh } from '../windows/doubles/netsh-double.mjs';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from './run-cli.js';

let mem: MemoryEnv;
beforeAll(() => {
  assertBuilt();
  mem = memoryEnv({ EP_TEST_RANGE: '40000-50001' });
});
afterAll(() => mem.cleanup());

/** The netsh command lines of a cmd.exe script, as argv after `netsh` (the script quotes nothing). */
const netshLines = (script: string) =>
  script
    .split('\r\n')
    .filter((line) => line.startsWith('netsh '))
    .map((line) => line.split(' ').slice(1));

describe('emit windows-netsh (built CLI) run through the netsh double (emulated)', () => {
  it.each([
    [[] as string[], ['tcp', 'udp'] as const],
    [['--protocol', 'udp'], ['udp'] as const],
  ])('%j: every line succeeds and both families hold the range in the persistent store', async (extra, protocols) => {
    const r = await runCli(['emit', 'windows-netsh', '49152-60999', ...extra], mem.env);
    expect(r.code, r.stderr).toBe(0);
    const state = initialState();
    const before = structuredClone(state.persistent);
    for (const argv of netshLines(r.stdout)) expect(netsh(state, argv).code, argv.join(' ')).toBe(0);
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const protocol of ['tcp', 'udp'] as const) {
        const expected = (protocols as readonly string[]).includes(protocol) ? { start: 49152, count: 11848 } : before[family][protocol];
        expect(state.persistent[family][protocol], `${family} ${protocol}`).toEqual(expected);
      }
    }
    expect(r.stdout).not.toMatch(/serves IPv4 and IPv6/);
  });
});
