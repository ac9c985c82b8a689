/**
 * What packaging derives from the facade's platform table (packages/ephemeral-ports/src/platform-table.ts): the
 * `"os"` field of each OS package and the facade's `optionalDependencies`. The repo's package.json files carry no
 * `"os"` field (npm refuses to install a workspace whose `"os"` excludes the host, and every package is a
 * workspace so that every host type-checks and tests all of them); pack-all.mjs writes it into the packed copy.
 */
import { tsImport } from 'tsx/esm/api';

const TABLE = new URL('../../packages/ephemeral-ports/src/platform-table.ts', import.meta.url);

/** @returns {Promise<Record<string, string>>} `process.platform` → package name */
export async function platformPackages() {
  const { PLATFORM_PACKAGES } = await tsImport(TABLE.href, import.meta.url);
  return { ...PLATFORM_PACKAGES };
}

/** @returns {Promise<Map<string, string[]>>} package name → the `process.platform` values it serves, sorted */
export async function osFields() {
  const fields = new Map();
  for (const [os, name] of Object.entries(await platformPackages())) {
    fields.set(name, [...(fields.get(name) ?? []), os].sort());
  }
  return fields;
}
