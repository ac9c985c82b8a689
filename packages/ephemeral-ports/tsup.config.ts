import { packageConfig } from '../../scripts/tsup-base.mjs';

// One entry per subpath of package.json "exports" (subpath x is src/x.ts), plus the CLI (bin/ephemeral-ports.js).
// `./core` is not built: subpaths/core.* hand over @ephemeral-ports/core itself (src/core.ts says the same for
// tests); subpaths/get-port.* give the built get-port entry get-port's module shape (a function as the export).
// Three entries are hubs (scripts/tsup-hub.mjs): `hub` (src/hub.ts, no subpath) holds what every entry shares, `cli`
// what the CLI's commands share, `boot` what the bin runs before the CLI (no core).
export default packageConfig(
  {
    index: 'src/index.ts',
    diagnostics: 'src/diagnostics.ts',
    platforms: 'src/platforms.ts',
    testing: 'src/testing.ts',
    'get-port': 'src/get-port.ts',
    cli: 'src/cli/hub.ts',
    hub: 'src/hub.ts',
    boot: 'src/boot.ts',
  },
  { hubs: ['hub', 'cli', 'boot'] },
);
