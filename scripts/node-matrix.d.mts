/** Types for node-matrix.mjs. */
export function floorVersion(): string;
export const NEWER_VERSIONS: readonly string[];
