import { packageConfig } from '../../scripts/tsup-base.mjs';

// `index`, `addon` and `port-facts` are the package's exports; two hubs (scripts/tsup-hub.mjs): `hub` (src/hub.ts) holds what the
// backend and its lazily loaded parts share, `addon` (src/addon.ts) the addon's loader and the early census, which
// must load without core.
export default packageConfig({ index: 'src/index.ts', hub: 'src/hub.ts', addon: 'src/addon.ts', 'port-facts': 'src/port-facts.ts' }, { hubs: ['hub', 'addon'] });
