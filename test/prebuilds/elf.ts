/** What the prebuild tests read from an ELF file, through binutils' readelf (absolute path, LC_ALL=C, no shell). */
import { execFileSync } from 'node:child_process';

export interface ElfInfo {
  /** readelf's "Machine:" line, e.g. "Advanced Micro Devices X86-64", "AArch64". */
  machine: string;
  /** DT_NEEDED entries. */
  needed: string[];
  /** Every symbol version the file requires (GLIBC_2.14, GLIBCXX_3.4.30, ...). */
  versionsNeeded: string[];
  /** Defined dynamic symbols (what the file exports). */
  exports: string[];
  /** The program interpreter or DT_RUNPATH would make the file depend on a path; a prebuild has neither. */
  runpath: string[];
}

function readelf(readelfPath: string, args: string[], file: string): string {
  return execFileSync(readelfPath, ['-W', ...args, file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

export function readElf(readelfPath: string, file: string): ElfInfo {
  const header = readelf(readelfPath, ['-h'], file);
  const dynamic = readelf(readelfPath, ['-d'], file);
  const versions = readelf(readelfPath, ['-V'], file);
  const symbols = readelf(readelfPath, ['--dyn-syms'], file);
  return {
    machine: /^\s*Machine:\s*(.+)$/m.exec(header)?.[1]?.trim() ?? '',
    needed: [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!),
    runpath: [...dynamic.matchAll(/\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]+)\]/g)].map((m) => m[1]!),
    // "Version needs" section: "  0x0010:   Name: GLIBC_2.14  Flags: none  Version: 3"
    versionsNeeded: [...new Set([...versions.matchAll(/Name: ([A-Z]+_[0-9.]+)/g)].map((m) => m[1]!))],
    exports: symbols
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      // Num: Value Size Type Bind Vis Ndx Name — defined (Ndx not UND), global.
      .filter((f) => f.length >= 8 && f[4] === 'GLOBAL' && f[6] !== 'UND')
      .map((f) => f[7]!.replace(/@.*$/, '')),
  };
}

/** "GLIBC_2.17" → [2, 17]; compares version lists numerically. */
export function glibcVersion(name: string): number[] {
  return name.replace(/^GLIBC_/, '').split('.').map(Number);
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The highest GLIBC_x.y a file requires, or undefined when it requires none. */
export function highestGlibc(versionsNeeded: string[]): string | undefined {
  return versionsNeeded
    .filter((v) => /^GLIBC_\d/.test(v))
    .sort((a, b) => compareVersions(glibcVersion(a), glibcVersion(b)))
    .at(-1);
}
