/**
 * `ephemeral-ports usage` spends most of its time waiting for the kernel's socket dump. bin/ephemeral-ports.js calls
 * this before it loads the CLI: when the command line is a plain `usage` (the census every such run takes: all
 * sockets, this namespace, no owners), the OS package's early-census module (below) starts the dump
 * on the addon's worker thread, and the backend's census takes it when `usage` asks, so the kernel works while Node
 * loads core, the facade and the backend. Anything else (another command, `--netns`, `--processes`, `--help`, a
 * backend override) starts nothing, and no failure here is ever seen: the command then does its own census.
 *
 * This module is the boot hub (dist/boot.js): it loads without core, and only for `usage` (the bin checks the word).
 */
import { createRequire } from 'node:module';

/**
 * The OS packages' modules that start a census early, by platform (the packages are the platform table's). Optional:
 * an OS without one starts its census when the command asks for it.
 */
export const EARLY_CENSUS_MODULES: Readonly<Record<string, string>> = Object.freeze({
  linux: '@ephemeral-ports/linux/addon',
});

/** Options of `usage` that leave its census as it is; `--top` takes a count. */
const PLAIN_FLAGS = new Set(['--json', '--color', '--no-color', '--color=always', '--color=auto', '--color=never']);

/**
 * True when `argv` (without node and script) is `usage` with only options that do not change its census, each at
 * most once (the CLI refuses a repeated option, and a refused command must not wait for a dump nobody takes).
 */
export function isPlainUsage(argv: readonly string[]): boolean {
  if (argv[0] !== 'usage') return false;
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const option = word.startsWith('--color') || word === '--no-color' ? '--color' : word;
    if (seen.has(option)) return false;
    seen.add(option);
    if (PLAIN_FLAGS.has(word)) continue;
    if (word === '--top' && /^\d{1,6}$/.test(argv[i + 1] ?? '')) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

type EarlyCensusModule = { startEarlyCensus?: () => boolean };

/** Starts the census early when {@link isPlainUsage}; true when a census was started. Never throws. */
export function startEarlyCensus(
  argv: readonly string[] = process.argv.slice(2),
  platform: string = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  load: (id: string) => unknown = createRequire(typeof __filename === 'string' ? __filename : import.meta.url),
): boolean {
  // A backend override (tests, doubles) must see the census it is asked for.
  if (env.EPHEMERAL_PORTS_BACKEND || !isPlainUsage(argv)) return false;
  const id = Object.hasOwn(EARLY_CENSUS_MODULES, platform) ? EARLY_CENSUS_MODULES[platform] : undefined;
  if (id === undefined) return false;
  try {
    return (load(id) as EarlyCensusModule).startEarlyCensus?.() === true;
  } catch {
    return false; // not installed or not loadable: the backend's own load reports that, with its remedy
  }
}
