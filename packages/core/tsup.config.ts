import { packageConfig } from '../../scripts/tsup-base.mjs';

// One entry per subpath of package.json "exports" (subpath x is src/x.ts).
// `model` is the hub: what a backend and a range read need, in one file the other entries require.
export default packageConfig({ index: 'src/index.ts', model: 'src/model.ts', testing: 'src/testing.ts' }, { hubs: ['model'] });
