/** Types for platform-fields.mjs (imported by test/facade). */
/** `process.platform` → package name, from the facade's platform table. */
export function platformPackages(): Promise<Record<string, string>>;
/** Package name → the `process.platform` values it serves, sorted: its packed `"os"` field. */
export function osFields(): Promise<Map<string, string[]>>;
