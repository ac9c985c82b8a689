/** Types for node-binary.mjs (imported by test/prebuilds). */
export const CACHE: string;
/** Absolute path of bin/node of node-linux-<arch>@<version>, fetched with npm pack on first use. */
export function nodeBinary(version: string, arch?: 'x64' | 'arm64'): string;
