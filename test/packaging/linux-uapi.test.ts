/**
 * Source builds on old kernels: `npm_config_build_from_source=true` (and every platform without a prebuild) compiles
 * native/linux against the system's kernel headers, which on RHEL 8 are Linux 4.18's. Every kernel interface name
 * the C++ uses must exist there, or be guarded with a fallback definition (linux-uapi.ts has the table).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/netns.js';
import { UAPI_CEILING, UAPI_NAME, UAPI_SINCE } from './linux-uapi.js';

const DIR = join(ROOT_DIR, 'native', 'linux');
const sources = readdirSync(DIR).filter((f) => /\.(cc|h)$/.test(f)).map((f) => ({ file: f, text: readFileSync(join(DIR, f), 'utf8') }));
/** Code without comments or string literals: names in prose are not uses. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
const guarded = new Set(sources.flatMap(({ text }) => [...text.matchAll(/^#ifndef\s+(\w+)\s*\n#define\s+\1\b/gm)].map((m) => m[1]!)));
const used = new Map<string, Set<string>>();
for (const { file, text } of sources) {
  for (const [name] of code(text).matchAll(UAPI_NAME)) used.set(name, (used.get(name) ?? new Set()).add(file));
}
const newer = (v: readonly [number, number]) => v[0] > UAPI_CEILING[0] || (v[0] === UAPI_CEILING[0] && v[1] > UAPI_CEILING[1]);

describe(`native/linux uses no kernel interface newer than Linux ${UAPI_CEILING.join('.')} without a guard`, () => {
  it('finds the names it checks (the scan works)', () => {
    expect([...used.keys()]).toEqual(expect.arrayContaining(['NETLINK_SOCK_DIAG', 'SOCK_DIAG_BY_FAMILY', 'inet_diag_req_v2', 'nlmsghdr']));
  });

  it('every kernel interface name used is in the table of releases (linux-uapi.ts)', () => {
    const unknown = [...used].filter(([name]) => !(name in UAPI_SINCE) && !guarded.has(name)).map(([name, files]) => `${name} (${[...files].join(', ')})`);
    expect(unknown, 'add each to UAPI_SINCE with the release that introduced it').toEqual([]);
  });

  it(`names newer than ${UAPI_CEILING.join('.')} are guarded with #ifndef/#define fallbacks`, () => {
    const unguarded = [...used.keys()].filter((name) => UAPI_SINCE[name] && newer(UAPI_SINCE[name]!) && !guarded.has(name));
    expect(unguarded).toEqual([]);
    console.log(`kernel names used: ${used.size}; guarded with fallbacks: ${[...guarded].join(', ') || 'none needed'}`);
  });
});
