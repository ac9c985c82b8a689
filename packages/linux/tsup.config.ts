import { packageConfig } from '../../scripts/tsup-base.mjs';

export default packageConfig({ index: 'src/index.ts' });
