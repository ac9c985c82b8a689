/**
 * Optional tools some tests need (promtool, ansible-playbook, xmllint, tmux, qemu, ...). On a machine without one,
 * those tests skip and say so in their title, with the Debian package that brings it; `npm test` stays green on a
 * fresh machine that has only Node, npm and a compiler. CI (`.ci/run`) installs them all and sets
 * `EPHEMERAL_PORTS_REQUIRE_TOOLS=1`, which makes a missing tool a failure instead: the tests run and fail on it.
 *
 * A tool is looked up on PATH (a test can hide one by narrowing PATH) and used by its absolute path.
 *
 * @example
 * const promtool = optionalTool('promtool');
 * it.runIf(promtool.run)(`metrics pass promtool check metrics ${promtool.title}`, () => execFile(promtool.path, ...));
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const REQUIRE_TOOLS_ENV = 'EPHEMERAL_PORTS_REQUIRE_TOOLS';

/** Every optional tool the tests use, with the Debian package that installs it (README "Requirements" lists them). */
export const OPTIONAL_TOOLS = {
  promtool: 'prometheus',
  'ansible-playbook': 'ansible',
  xmllint: 'libxml2-utils',
  tmux: 'tmux',
  'qemu-aarch64-static': 'qemu-user-static',
  readelf: 'binutils',
  objdump: 'binutils',
} as const;

export type ToolName = keyof typeof OPTIONAL_TOOLS;

export interface OptionalTool {
  readonly name: string;
  readonly available: boolean;
  /** Run the tests that need it: it is here, or EPHEMERAL_PORTS_REQUIRE_TOOLS=1 wants them to fail without it. */
  readonly run: boolean;
  /** Absolute path; throws (failing the test) when the tool is missing. */
  readonly path: string;
  /** For test titles: `(needs promtool)`, plus why it is skipped and the install line when it is missing. */
  readonly title: string;
  /** `apt-get install -y <package>`. */
  readonly install: string;
}

export const toolsRequired = (env: NodeJS.ProcessEnv = process.env): boolean => env[REQUIRE_TOOLS_ENV] === '1';

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * An optional tool. `found` overrides the PATH lookup (a tool from node_modules, say); `packageName` overrides the
 * Debian package (for tools not in OPTIONAL_TOOLS, with `install` then naming how to get it).
 */
export function optionalTool(
  name: ToolName | (string & {}),
  options: { found?: string; install?: string } = {},
): OptionalTool {
  const found = 'found' in options ? options.found : findOnPath(name);
  const install = options.install ?? `apt-get install -y ${OPTIONAL_TOOLS[name as ToolName] ?? name}`;
  const required = toolsRequired();
  const missing = `${name} is missing (${install})`;
  return {
    name,
    available: found !== undefined,
    run: found !== undefined || required,
    get path(): string {
      if (found === undefined) throw new Error(`${missing}; ${REQUIRE_TOOLS_ENV}=1 makes a missing tool a failure`);
      return found;
    },
    title: found
      ? `(needs ${name})`
      : required
        ? `(needs ${name}: missing, and ${REQUIRE_TOOLS_ENV}=1 fails on that; ${install})`
        : `(needs ${name}; skipped: ${missing})`,
    install,
  };
}
