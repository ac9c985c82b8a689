/** Types for check-packages.mjs (imported by test/packaging). */
export interface PackageCheck {
  tarball: string;
  messages: Array<{ severity: 'error' | 'warning' | 'suggestion'; text: string }>;
}
export function checkTarballs(tarballs: string[]): Promise<PackageCheck[]>;
/** The warnings and errors of `results`, one line each (suggestions are not failures). */
export function failing(results: PackageCheck[]): string[];
