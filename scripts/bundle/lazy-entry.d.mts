/** Types for lazy-entry.mjs (imported by the packages' tsup configs and test/bundle). */
export function reExportedSpecifiers(indexTs: string): string[];
export function lazyUnitEntries(indexTs?: string): Record<string, string>;
export function assignNames(packageDir: string): Promise<Map<string, string[]>>;
export function renderEntry(owners: Map<string, string[]>): string;
