/**
 * The repo's vitest configuration for the Node matrix. Vite reads a `.ts` configuration by bundling it to CommonJS
 * and require()-ing vitest's CommonJS entry, which require()s Vite's ESM (require(esm): Node 20.19 and later); an
 * `.mts` configuration is bundled to ESM instead, so the same tests run under the floor Node (older 20.x).
 */
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import base from '../vitest.config.ts';

export default mergeConfig(base, { root: fileURLToPath(new URL('..', import.meta.url)) });
