import { describe, expect, it } from 'vitest';
import { EARLY_CENSUS_MODULES, isPlainUsage, startEarlyCensus } from './early-census.js';
import { PLATFORM_PACKAGES } from '../platform-table.js';

describe('isPlainUsage: the command lines whose census is the one started early', () => {
  it.each([
    [['usage']],
    [['usage', '--json']],
    [['usage', '--top', '5', '--json']],
    [['usage', '--no-color']],
    [['usage', '--color=always', '--json']],
  ])('%j', (argv) => expect(isPlainUsage(argv)).toBe(true));

  it.each([
    [[]],
    [['get', '--json']],
    [['doctor']],
    [['--json', 'usage']],
    [['usage', '--netns', '/run/netns/x']],
    [['usage', '--processes']],
    [['usage', '--by-process']],
    [['usage', '--method', 'procfs']],
    [['usage', '--help']],
    [['usage', '-h']],
    [['usage', '--top']],
    [['usage', '--top', 'many']],
    [['usage', '--top', '5000000']],
    [['usage', 'extra']],
    [['usage', '--', '--json']],
    [['usage', '--json', '--json']],
    [['usage', '--top', '5', '--top', '6']],
    [['usage', '--color', '--no-color']],
  ])('not %j', (argv) => expect(isPlainUsage(argv)).toBe(false));
});

describe('startEarlyCensus', () => {
  const loader = (module: unknown) => {
    const loaded: string[] = [];
    return { loaded, load: (id: string) => (loaded.push(id), module) };
  };

  it("loads the platform's early-census module and starts it for a plain usage", () => {
    let started = 0;
    const { loaded, load } = loader({ startEarlyCensus: () => (started++, true) });
    expect(startEarlyCensus(['usage', '--json'], 'linux', {}, load)).toBe(true);
    expect(loaded).toEqual(['@ephemeral-ports/linux/addon']);
    expect(started).toBe(1);
  });

  it('loads nothing for another command, a backend override, or a platform without an early census', () => {
    const { loaded, load } = loader({ startEarlyCensus: () => true });
    expect(startEarlyCensus(['get', '--json'], 'linux', {}, load)).toBe(false);
    expect(startEarlyCensus(['usage'], 'linux', { EPHEMERAL_PORTS_BACKEND: '/x.js' }, load)).toBe(false);
    expect(startEarlyCensus(['usage'], 'win32', {}, load)).toBe(false);
    expect(startEarlyCensus(['usage'], 'openbsd', {}, load)).toBe(false);
    expect(startEarlyCensus(['usage'], 'toString', {}, load)).toBe(false);
    expect(loaded).toEqual([]);
  });

  it('never throws: a package that is missing or fails to load leaves the census to the command', () => {
    const missing = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(startEarlyCensus(['usage'], 'linux', {}, missing)).toBe(false);
    expect(startEarlyCensus(['usage'], 'linux', {}, () => ({}))).toBe(false);
    expect(startEarlyCensus(['usage'], 'linux', {}, () => ({ startEarlyCensus: () => false }))).toBe(false);
  });

  it('names only packages of the platform table', () => {
    for (const [platform, id] of Object.entries(EARLY_CENSUS_MODULES)) {
      expect(id.startsWith(`${PLATFORM_PACKAGES[platform as keyof typeof PLATFORM_PACKAGES]}/`)).toBe(true);
    }
  });
});
