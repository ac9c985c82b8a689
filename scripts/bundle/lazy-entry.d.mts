/** Types for lazy-entry.mjs (imported by the packages' tsup configs and test/bundle). */
export const UNITS: readonly ['index', 'rest'];
export const INTEROP_NAMES: ReadonlySet<string>;
export function reExports(indexTs: string): { statement: string; spec: string }[];
export function lazyUnitEntries(hot: readonly string[], indexTs?: string): Record<'index' | 'rest', string>;
export function assignNames(packageDir: string): Promise<Map<string, string[]>>;
export function renderAppendix(owners: Map<string, string[]>): string;
export function writeEntry(packageDir: string): Promise<void>;
