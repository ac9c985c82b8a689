/** Types for pack-all.mjs (imported by test/packaging). */
export interface PackedPackage {
  /** Folder under packages/. */
  dir: string;
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Bytes of the .tgz, and of its contents unpacked (as `npm pack --json` reports them). */
  size: number;
  unpackedSize: number;
  entryCount: number;
  /** Paths inside the tarball, relative to package/. */
  files: string[];
}
export const ROOT: string;
export const NPM_CLI: string;
export const PACKAGE_DIRS: readonly string[];
/** Brings the prebuilds up to date (progress lines to `log`, default stderr), then packs every package into `out`. */
export function packAll(out: string, options?: { log?: (line: string) => void }): Promise<PackedPackage[]>;
