/** Types for zig.mjs (imported by test/prebuilds). */
export const ZIG_PACKAGE: string;
export const ZIG_VERSION: RegExp;
export const ZIG_INSTALL: string;
export function findZig(env?: NodeJS.ProcessEnv): { path: string; version: string } | { missing: string };
