import { packageConfig } from '../../scripts/tsup-base.mjs';

// One entry per subpath of package.json "exports" (subpath x is src/x.ts). Two are hubs (scripts/tsup-hub.mjs):
// `model`, what a backend and a range read need, in one file the other entries require; `diagnostics`, what the
// usage reports need besides it.
export default packageConfig(
  { index: 'src/index.ts', model: 'src/model.ts', diagnostics: 'src/diagnostics.ts', testing: 'src/testing.ts' },
  { hubs: ['model', 'diagnostics'] },
);
