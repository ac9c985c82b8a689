import { packageConfig } from '../../scripts/tsup-base.mjs';

// The package finds its root (prebuilds/, build/) from import.meta.url, which the CommonJS build shims.
export default packageConfig({ index: 'src/index.ts' }, { shims: true });
