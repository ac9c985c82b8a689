/**
 * The prebuilds the tarballs ship (`npm run prebuild`, scripts/prebuild/targets.mjs), checked file by file:
 * - Linux glibc: the right machine, no symbol version above GLIBC_2.28 (RHEL 8's glibc), no libstdc++ or libgcc_s
 *   at run time (libc++ is linked in), only Node-API's entry points exported; the linux-x64 one loads here.
 * - Linux musl: the right machine, needs musl's libc.so and no glibc symbol version. (It cannot load on this glibc
 *   host: checked by inspection.)
 * - macOS (Mach-O) and Windows (PE): the architecture, the libraries they need, the exported entry point, read by
 *   the small readers of macho-pe.ts. (They cannot load here either; the Windows one runs under Wine in
 *   `npm run test:windows`.)
 * The files are built here when missing or stale (not committed), which needs zig 0.11 from npm.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../scripts/prebuild/targets.mjs';
import { optionalTool } from '../helpers/tools.js';
import { compareVersions, glibcVersion, highestGlibc, readElf } from './elf.js';
import { ensurePrebuilds, prebuildPath, zig } from './ensure.js';
import { readMachO, readPe } from './macho-pe.js';

const readelf = optionalTool('readelf');
const ENTRY = 'napi_register_module_v1';
const NODE_API_EXPORTS = [ENTRY, 'node_api_module_get_api_version_v1'];
/** RHEL 8 / Rocky 8 / Alma 8 ship glibc 2.28: nothing newer may be required. */
const GLIBC_CEILING = 'GLIBC_2.28';
/**
 * glibc's own parts, its dynamic loader included (thread_local storage needs its __tls_get_addr): anything else
 * (libstdc++.so.6, libgcc_s.so.1) would have to exist on the user's system.
 */
const GLIBC_LIBS = new Set(['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1', 'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1']);
const MACHINE = { x64: 'Advanced Micro Devices X86-64', arm64: 'AArch64' } as const;

const linux = TARGETS.filter((t) => t.os === 'linux');
const macos = TARGETS.filter((t) => t.os === 'macos');
const windows = TARGETS.filter((t) => t.os === 'windows');

describe.runIf(zig.run)(`prebuilds (npm run prebuild) ${zig.title}`, () => {
  beforeAll(async () => {
    await ensurePrebuilds();
  }, 3_000_000);

  it('every target has its file, named for node-gyp-build (prebuilds/<platform>-<arch>/, libc tag on Linux)', () => {
    const rows = TARGETS.map((t) => {
      const file = prebuildPath(t);
      expect(file).toMatch(new RegExp(`/packages/${t.pkg}/prebuilds/${t.platform}-${t.arch}/[a-z0-9_]+(\\.(glibc|musl|napi))?\\.node$`));
      if (t.libc) expect(file.endsWith(`.${t.libc}.node`)).toBe(true);
      return `${t.id.padEnd(18)} ${String(statSync(file).size).padStart(8)} B  ${file}`;
    });
    console.log(rows.join('\n'));
  });

  describe.runIf(readelf.run)(`Linux files, read with readelf ${readelf.title}`, () => {
    it.each(linux.filter((t) => t.libc === 'glibc'))(
      '$id: its machine, GLIBC_ versions up to 2.28, no libstdc++, only the Node-API entry points exported',
      (t) => {
        const elf = readElf(readelf.path, prebuildPath(t));
        expect(elf.machine).toBe(MACHINE[t.arch]);
        const highest = highestGlibc(elf.versionsNeeded);
        console.log(`${t.id}: ${statSync(prebuildPath(t)).size} B, highest ${highest ?? 'no GLIBC_ version'}, NEEDED ${elf.needed.join(' ')}`);
        expect(highest).toBeDefined();
        expect(compareVersions(glibcVersion(highest!), glibcVersion(GLIBC_CEILING)), `${highest} > ${GLIBC_CEILING}`).toBeLessThanOrEqual(0);
        expect(elf.versionsNeeded.filter((v) => /^(GLIBCXX|CXXABI|GCC)_/.test(v))).toEqual([]);
        expect(elf.needed.filter((lib) => !GLIBC_LIBS.has(lib))).toEqual([]);
        expect(elf.runpath).toEqual([]);
        expect(elf.exports.sort()).toEqual([...NODE_API_EXPORTS].sort());
      },
    );

    it.each(linux.filter((t) => t.libc === 'musl'))('$id: its machine, needs musl libc.so only, no GLIBC_ version, exports the entry point', (t) => {
      const elf = readElf(readelf.path, prebuildPath(t));
      expect(elf.machine).toBe(MACHINE[t.arch]);
      expect(elf.needed).toEqual(['libc.so']);
      expect(elf.versionsNeeded).toEqual([]);
      expect(elf.exports.sort()).toEqual([...NODE_API_EXPORTS].sort());
    });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('linux-x64-glibc loads in this Node and reads the live range', () => {
    const file = prebuildPath(TARGETS.find((t) => t.id === 'linux-x64-glibc')!);
    const addon = createRequire(import.meta.url)(file) as { readPortRange(): number };
    const packed = addon.readPortRange();
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
    expect({ low: packed & 0xffff, high: packed >>> 16 }).toEqual({ low, high });
  });

  it.each(macos)('$id: Mach-O for its CPU, macOS >= its deployment target, needs libSystem only, exports the entry point (inspected)', (t) => {
    const macho = readMachO(prebuildPath(t));
    expect(macho.cpu).toBe(t.arch === 'x64' ? 'x86_64' : 'arm64');
    expect([6, 8]).toContain(macho.fileType);
    expect(macho.minOs).toBe('11.0');
    expect(macho.dylibs).toEqual(['/usr/lib/libSystem.B.dylib']);
    expect(macho.exports).toContain(ENTRY);
  });

  it.each(windows)('$id: a PE DLL for x64 importing Node-API from node.exe, no MinGW runtime DLL, exports the entry point (inspected)', (t) => {
    const pe = readPe(prebuildPath(t));
    expect(pe).toMatchObject({ machine: 'x64', dll: true });
    expect(pe.exports).toContain(ENTRY);
    expect(pe.imports.map((d) => d.toLowerCase())).toContain('node.exe');
    expect(pe.imports.filter((d) => /libstdc\+\+|libgcc|libwinpthread|libc\+\+|libunwind/i.test(d))).toEqual([]);
  });
});
