/**
 * Small readers for the two formats of prebuilds this machine cannot load: Mach-O (macOS) and PE (Windows). They
 * read what a prebuild test checks: the architecture, the libraries the file needs, and its exported symbols.
 * Layouts: Apple's <mach-o/loader.h> and <mach-o/nlist.h>; Microsoft's "PE Format" (COFF header, optional header
 * data directories, export and import directory tables).
 */
import { readFileSync } from 'node:fs';

export interface MachOInfo {
  cpu: 'x86_64' | 'arm64' | `cputype ${number}`;
  /** MH_DYLIB (6) or MH_BUNDLE (8): both load with dlopen. */
  fileType: number;
  /** LC_LOAD_DYLIB names. */
  dylibs: string[];
  /** External symbols defined in the file (nlist N_EXT + N_SECT), without the leading underscore. */
  exports: string[];
  /** LC_BUILD_VERSION's minimum OS ("10.15"), or LC_VERSION_MIN_MACOSX's. */
  minOs?: string;
}

const MH_MAGIC_64 = 0xfeedfacf;
const CPU: Record<number, MachOInfo['cpu']> = { 0x01000007: 'x86_64', 0x0100000c: 'arm64' };
const LC_SYMTAB = 0x2;
const LC_LOAD_DYLIB = 0xc;
const LC_VERSION_MIN_MACOSX = 0x24;
const LC_BUILD_VERSION = 0x32;

const version = (v: number) => `${v >>> 16}.${(v >>> 8) & 0xff}`;

export function readMachO(file: string): MachOInfo {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`${file}: not a 64-bit little-endian Mach-O file`);
  const cputype = b.readUInt32LE(4);
  const info: MachOInfo = { cpu: CPU[cputype] ?? `cputype ${cputype}`, fileType: b.readUInt32LE(12), dylibs: [], exports: [] };
  const ncmds = b.readUInt32LE(16);
  let at = 32; // sizeof(mach_header_64)
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(at);
    const size = b.readUInt32LE(at + 4);
    if (cmd === LC_LOAD_DYLIB) info.dylibs.push(cString(b, at + b.readUInt32LE(at + 8)));
    if (cmd === LC_BUILD_VERSION) info.minOs = version(b.readUInt32LE(at + 12));
    if (cmd === LC_VERSION_MIN_MACOSX) info.minOs = version(b.readUInt32LE(at + 8));
    if (cmd === LC_SYMTAB) {
      const [symoff, nsyms, stroff] = [b.readUInt32LE(at + 8), b.readUInt32LE(at + 12), b.readUInt32LE(at + 16)];
      for (let s = 0; s < nsyms; s++) {
        const entry = symoff + s * 16; // sizeof(nlist_64)
        const type = b.readUInt8(entry + 4);
        // N_EXT (0x01) and N_TYPE (0x0e) == N_SECT (0x0e): an external symbol defined in a section.
        if ((type & 0x01) === 0x01 && (type & 0x0e) === 0x0e) {
          info.exports.push(cString(b, stroff + b.readUInt32LE(entry)).replace(/^_/, ''));
        }
      }
    }
    at += size;
  }
  return info;
}

export interface PeInfo {
  machine: 'x64' | 'arm64' | `machine ${number}`;
  /** IMAGE_FILE_DLL set. */
  dll: boolean;
  /** DLL names of the import directory. */
  imports: string[];
  /** Names in the export directory. */
  exports: string[];
}

export function readPe(file: string): PeInfo {
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 2) !== 'MZ') throw new Error(`${file}: no MZ header`);
  const pe = b.readUInt32LE(0x3c);
  if (b.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error(`${file}: no PE signature`);
  const coff = pe + 4;
  const machineCode = b.readUInt16LE(coff);
  const sections = b.readUInt16LE(coff + 2);
  const optionalSize = b.readUInt16LE(coff + 16);
  const characteristics = b.readUInt16LE(coff + 18);
  const optional = coff + 20;
  if (b.readUInt16LE(optional) !== 0x20b) throw new Error(`${file}: not PE32+`);
  const directory = (index: number) => ({ rva: b.readUInt32LE(optional + 112 + index * 8), size: b.readUInt32LE(optional + 116 + index * 8) });
  const table = optional + optionalSize;
  const offsetOf = (rva: number) => {
    for (let i = 0; i < sections; i++) {
      const s = table + i * 40;
      const [virtualSize, virtualAddress, rawSize, rawPointer] = [b.readUInt32LE(s + 8), b.readUInt32LE(s + 12), b.readUInt32LE(s + 16), b.readUInt32LE(s + 20)];
      if (rva >= virtualAddress && rva < virtualAddress + Math.max(virtualSize, rawSize)) return rva - virtualAddress + rawPointer;
    }
    throw new Error(`${file}: RVA ${rva} is in no section`);
  };
  const exports: string[] = [];
  const exp = directory(0);
  if (exp.rva) {
    const dir = offsetOf(exp.rva);
    const [count, names] = [b.readUInt32LE(dir + 24), b.readUInt32LE(dir + 32)];
    for (let i = 0; i < count; i++) exports.push(cString(b, offsetOf(b.readUInt32LE(offsetOf(names) + i * 4))));
  }
  const imports: string[] = [];
  const imp = directory(1);
  if (imp.rva) {
    for (let d = offsetOf(imp.rva); b.readUInt32LE(d + 12) !== 0; d += 20) imports.push(cString(b, offsetOf(b.readUInt32LE(d + 12))));
  }
  const machine = machineCode === 0x8664 ? 'x64' : machineCode === 0xaa64 ? 'arm64' : (`machine ${machineCode}` as const);
  return { machine, dll: (characteristics & 0x2000) !== 0, imports, exports };
}

function cString(b: Buffer, at: number): string {
  const end = b.indexOf(0, at);
  return b.toString('latin1', at, end < 0 ? b.length : end);
}
