import { packageConfig } from '../../scripts/tsup-base.mjs';

// `index` is the package's one export; `hub` (src/hub.ts) holds what it and the lazily loaded parts share.
export default packageConfig({ index: 'src/index.ts', hub: 'src/hub.ts' }, { hubs: ['hub'] });
