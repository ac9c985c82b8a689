import { packageConfig } from '../../scripts/build/tsup-base.mjs';

export default packageConfig({ index: 'src/index.ts' });
