import { packageConfig } from '../../scripts/tsup-base.mjs';

// One entry per subpath of package.json "exports" (subpath x is src/x.ts).
export default packageConfig({ index: 'src/index.ts', model: 'src/model.ts', testing: 'src/testing.ts' });
