/** Types for prebuild-all.mjs. */
export function prebuildAll(options?: {
  root?: string;
  selectors?: string[];
  force?: boolean;
  log?: (line: string) => void;
}): Promise<Array<{ id: string; file: string; built: boolean; bytes: number }>>;
