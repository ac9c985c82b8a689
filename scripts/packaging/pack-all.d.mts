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
export function packAll(out: string): Promise<PackedPackage[]>;
