/**
 * The import graph of every package's sources, read from the files themselves (static, dynamic and type-only
 * imports and re-exports), for the architecture tests.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT_DIR } from '../helpers/netns.js';

export const PACKAGES_DIR = join(ROOT_DIR, 'packages');

export interface SourceFile {
  /** Absolute path. */
  file: string;
  /** The folder name under packages/. */
  pkg: string;
  /** Every module specifier the file imports or re-exports. */
  specifiers: string[];
  isTest: boolean;
}

const SPECIFIER =
  /(?:^|[^\w.$])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|(?:^|[^\w.$])import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.$])require\(\s*['"]([^'"]+)['"]\s*\)/gm;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

export function specifiersOf(source: string): string[] {
  return [...stripComments(source).matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function packageSources(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const pkg of readdirSync(PACKAGES_DIR)) {
    const src = join(PACKAGES_DIR, pkg, 'src');
    if (!existsSync(src)) continue;
    for (const file of walk(src)) {
      files.push({
        file,
        pkg,
        specifiers: specifiersOf(readFileSync(file, 'utf8')),
        isTest: /\.test\.ts$|\.test-helpers\.ts$|\.fixture\.ts$/.test(file),
      });
    }
  }
  return files;
}

/** The package folder a relative specifier lands in (or undefined when it stays outside packages/). */
export function packageOfTarget(from: string, specifier: string): string | undefined {
  const target = relative(PACKAGES_DIR, resolve(dirname(from), specifier));
  return target.startsWith('..') ? undefined : target.split(/[\\/]/)[0];
}

/** Package names → folder under packages/ (from each package.json). */
export function packageFolders(): Map<string, string> {
  const folders = new Map<string, string>();
  for (const pkg of readdirSync(PACKAGES_DIR)) {
    const manifest = join(PACKAGES_DIR, pkg, 'package.json');
    if (existsSync(manifest)) folders.set(JSON.parse(readFileSync(manifest, 'utf8')).name, pkg);
  }
  return folders;
}

/** Resolves a specifier to a source file of the repo, or undefined for builtins and third-party modules. */
export function resolveSource(from: string, specifier: string, folders: Map<string, string>): string | undefined {
  let base: string | undefined;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else {
    const m = /^((?:@[^/]+\/)?[^/]+)(?:\/(.+))?$/.exec(specifier);
    const folder = m ? folders.get(m[1]!) : undefined;
    if (!folder) return undefined;
    base = join(PACKAGES_DIR, folder, 'src', m![2] ?? 'index');
  }
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Strongly connected components of more than one file (or a file importing itself): the import cycles. */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const folders = packageFolders();
  const edges = new Map<string, string[]>();
  for (const f of files) {
    edges.set(
      f.file,
      f.specifiers.map((s) => resolveSource(f.file, s, folders)).filter((t): t is string => t !== undefined),
    );
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) {
        cycles.push(component.map((c) => relative(ROOT_DIR, c)).sort());
      }
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
