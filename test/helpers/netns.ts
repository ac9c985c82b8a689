/**
 * Real-kernel test support: private network namespaces, so tests can set the live ephemeral range and open
 * sockets without touching the host. A namespace is held open by a `sleep` process started under `unshare -n`;
 * commands run inside it through `nsenter --net=<path>`. Needs root and util-linux.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUIRE_TOOLS_ENV, toolsRequired } from './tools.js';

export const UNSHARE = '/usr/bin/unshare';
export const NSENTER = '/usr/bin/nsenter';
export const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';
export const SLEEP = '/usr/bin/sleep';
export const SETPRIV = '/usr/bin/setpriv';
export const SYSCTL = '/usr/sbin/sysctl';
export const SS = '/usr/bin/ss';

/** The system tools real-kernel tests use, with the Debian package of each. */
const NETNS_TOOLS: ReadonlyArray<readonly [string, string]> = [
  [UNSHARE, 'util-linux'],
  [NSENTER, 'util-linux'],
  [IP, 'iproute2'],
  [SS, 'iproute2'],
  [SYSCTL, 'procps'],
];
export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

function probe(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  for (const [bin, pkg] of NETNS_TOOLS) if (!existsSync(bin)) return `${bin} is missing (apt-get install -y ${pkg})`;
  try {
    execFileSync(UNSHARE, ['-n', '/bin/true'], { stdio: 'ignore' });
  } catch (e) {
    return `unshare -n fails here (${(e as Error).message.split('\n')[0]})`;
  }
  return null;
}

/** Why real-kernel tests cannot run here, or null when they can. Use in titles: `describe.skipIf(...)`. */
export const NETNS_UNAVAILABLE: string | null = probe();
/** True where namespaces work, and under EPHEMERAL_PORTS_REQUIRE_TOOLS=1 (CI), where createNetns() then fails. */
export const canUseNetns = NETNS_UNAVAILABLE === null || toolsRequired();
/** For test titles: `describe.runIf(canUseNetns)(\`... ${NETNS_REQUIREMENT}\`)`. */
export const NETNS_REQUIREMENT = `(real kernel in unshare -n; needs root + util-linux, iproute2, procps${
  NETNS_UNAVAILABLE ? `; ${toolsRequired() ? `failing (${REQUIRE_TOOLS_ENV}=1)` : 'skipped'}: ${NETNS_UNAVAILABLE}` : ''
})`;

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Netns {
  /** `/proc/<pid>/ns/net` of the holder process. */
  readonly path: string;
  readonly pid: number;
  /** Runs an executable (absolute path) inside the namespace. Never throws on non-zero exit. */
  exec(file: string, args?: readonly string[], options?: { env?: NodeJS.ProcessEnv; input?: string }): Promise<ExecResult>;
  /** Runs a Node script inside the namespace; `.ts` scripts are loaded through tsx. */
  node(script: string, args?: readonly string[], options?: { env?: NodeJS.ProcessEnv; execPath?: string }): Promise<ExecResult>;
  /** Starts a long-running Node script inside the namespace (for socket workloads). */
  spawnNode(script: string, args?: readonly string[], options?: { env?: NodeJS.ProcessEnv }): ChildProcess;
  readRange(): Promise<{ low: number; high: number }>;
  writeRange(low: number, high: number): Promise<void>;
  close(): Promise<void>;
}

export function execIn(
  nsPath: string,
  file: string,
  args: readonly string[] = [],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      NSENTER,
      [`--net=${nsPath}`, '--', file, ...args],
      { env: options.env ?? process.env, maxBuffer: 256 * 1024 * 1024, cwd: ROOT_DIR },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

const nodeArgs = (script: string, args: readonly string[]) =>
  script.endsWith('.ts') ? ['--import', 'tsx', script, ...args] : [script, ...args];

/** Creates a private network namespace with `lo` up. Always `close()` it (afterEach/afterAll). */
export async function createNetns(): Promise<Netns> {
  if (NETNS_UNAVAILABLE) throw new Error(`no private network namespace here: ${NETNS_UNAVAILABLE}`);
  const holder = spawn(UNSHARE, ['-n', SLEEP, 'infinity'], { stdio: 'ignore' });
  const pid = await new Promise<number>((resolve, reject) => {
    holder.once('error', reject);
    holder.once('spawn', () => resolve(holder.pid!));
  });
  // unshare execs sleep after unsharing; wait until the holder's namespace differs from ours.
  const path = `/proc/${pid}/ns/net`;
  const own = await readlinkNs('/proc/self/ns/net');
  for (let i = 0; i < 200 && (await readlinkNs(path)) === own; i++) await new Promise((r) => setTimeout(r, 5));
  const up = await execIn(path, IP, ['link', 'set', 'lo', 'up']);
  if (up.code !== 0) throw new Error(`ip link set lo up failed: ${up.stderr}`);

  const ns: Netns = {
    path,
    pid,
    exec: (file, args = [], options = {}) => execIn(path, file, args, options),
    node: (script, args = [], options = {}) => execIn(path, options.execPath ?? process.execPath, nodeArgs(script, args), options),
    spawnNode: (script, args = [], options = {}) =>
      spawn(NSENTER, [`--net=${path}`, '--', process.execPath, ...nodeArgs(script, args)], {
        env: options.env ?? process.env,
        cwd: ROOT_DIR,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    async readRange() {
      const r = await execIn(path, '/usr/bin/cat', ['/proc/sys/net/ipv4/ip_local_port_range']);
      const [low, high] = r.stdout.trim().split(/\s+/).map(Number);
      return { low: low!, high: high! };
    },
    async writeRange(low, high) {
      const r = await execIn(path, '/usr/sbin/sysctl', ['-q', '-w', `net.ipv4.ip_local_port_range=${low} ${high}`]);
      if (r.code !== 0) throw new Error(`sysctl -w failed: ${r.stderr}`);
    },
    async close() {
      if (holder.exitCode === null && holder.signalCode === null) {
        const exited = new Promise((r) => holder.once('exit', r));
        holder.kill('SIGKILL');
        await exited;
      }
    },
  };
  return ns;
}

async function readlinkNs(path: string): Promise<string | null> {
  const { readlink } = await import('node:fs/promises');
  try {
    return await readlink(path);
  } catch {
    return null;
  }
}
