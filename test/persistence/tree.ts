/** Lays out a directory tree in a fresh temporary root: files by relative path, `{ link }` for symbolic links. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type TreeEntry = string | { link: string };
export type Tree = Record<string, TreeEntry>;

export interface TempRoot {
  root: string;
  path(relative: string): string;
  cleanup(): void;
}

export function writeTree(root: string, tree: Tree): void {
  for (const [relative, entry] of Object.entries(tree)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string') writeFileSync(path, entry);
    else symlinkSync(entry.link, path);
  }
}

export function tempRoot(tree: Tree = {}): TempRoot {
  const root = mkdtempSync(join(tmpdir(), 'ep-boot-'));
  writeTree(root, tree);
  return { root, path: (relative) => join(root, relative), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
