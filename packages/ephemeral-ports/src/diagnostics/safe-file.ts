/**
 * Replacing a file (`map --svg`, `metrics --textfile`) so that another local user who can write in its directory
 * cannot turn a root run against the host: the twin of packages/linux/src/safe-file.ts (which persists the range),
 * kept here because the facade cannot import an OS package and core does no I/O; this one also runs on the BSDs,
 * macOS and Windows. The rules are the same:
 * - on Linux the directory is opened once and names inside it resolve through `/proc/self/fd/<dir>`;
 * - a symlinked target or anything but a regular file is refused (O_NOFOLLOW|O_NONBLOCK open, fstat), and on Linux
 *   so is a directory on a kernel pseudo file system (/proc, /sys);
 * - the content goes to a temporary file with an unpredictable name created O_CREAT|O_EXCL|O_NOFOLLOW, gets the
 *   replaced file's owner and mode, is fsync()ed and renamed over the target; then the directory is fsync()ed;
 * - temporary files a killed run left behind (the pid in their name is gone) are removed first.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  statfsSync,
  unlinkSync,
  writeSync,
  constants as fs,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { invalidArgValue } from '@ephemeral-ports/core';

const POSIX = process.platform !== 'win32';
const O_NOFOLLOW = fs.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.O_NONBLOCK ?? 0;
const O_DIRECTORY = fs.O_DIRECTORY ?? 0;

/** statfs(2) f_type of Linux file systems whose files are kernel interfaces. */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xf97cff8c, 'selinuxfs'],
]);

interface PinnedDir {
  fd: number | undefined;
  at(name: string): string;
  unpin(error: unknown): unknown;
}

function pinDirectory(path: string, argument: string): PinnedDir {
  const dir = dirname(path);
  if (!POSIX) return { fd: undefined, at: (name) => join(dir, name), unpin: (e) => e };
  const fd = openSync(dir, fs.O_RDONLY | O_DIRECTORY);
  const prefix = `/proc/self/fd/${fd}`;
  const viaProc = process.platform === 'linux' && existsSync(prefix);
  const pinned: PinnedDir = {
    fd,
    at: (name) => (viaProc ? `${prefix}/${name}` : join(dir, name)),
    unpin(error) {
      const e = error as NodeJS.ErrnoException & { dest?: string };
      if (!viaProc || typeof e !== 'object' || e === null) return error;
      const real = (p: string) => (p.startsWith(`${prefix}/`) ? join(dir, p.slice(prefix.length + 1)) : p);
      if (typeof e.path === 'string') e.path = real(e.path);
      if (typeof e.dest === 'string') e.dest = real(e.dest);
      if (typeof e.message === 'string') e.message = e.message.split(`${prefix}/`).join(`${dir}/`);
      return error;
    },
  };
  if (process.platform === 'linux') {
    const kind = PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(pinned.at('.')).type));
    if (kind !== undefined) {
      closeSync(fd);
      throw invalidArgValue(argument, path, `is on ${kind}, a kernel interface, not a file this tool may write`);
    }
  }
  return pinned;
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** The existing target's stat (refusing a symlink or a non-regular file), or null when there is none. */
function existingTarget(dir: PinnedDir, path: string, argument: string): Stats | null {
  let fd: number;
  try {
    fd = openSync(dir.at(basename(path)), fs.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | (fs.O_NOCTTY ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') {
      throw invalidArgValue(argument, path, 'is a symbolic link: pass the path of the file it points to, if that is the file to replace');
    }
    // Windows opens a directory with EISDIR or EPERM: say what it is.
    if (code === 'EISDIR') throw invalidArgValue(argument, path, 'must be a regular file, but it is a directory');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw invalidArgValue(argument, path, `must be a regular file, but it is ${kindOf(stat)}`);
    return stat;
  } finally {
    closeSync(fd);
  }
}

const tempPattern = (name: string) =>
  new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(?:\\.[0-9a-f]{16})?\\.tmp$`);

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

function removeStaleTemps(dir: PinnedDir, name: string): void {
  const pattern = tempPattern(name);
  const euid = process.geteuid?.();
  for (const entry of readdirSync(dir.at('.'))) {
    const pid = pattern.exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    const stat = lstatSync(dir.at(entry), { throwIfNoEntry: false });
    if (stat?.isFile() && (euid === undefined || stat.uid === euid)) unlinkSync(dir.at(entry));
  }
}

/**
 * Refuses `path` the way {@link replaceFileSafely} would (a symlink, a directory or other non-regular file, a missing
 * directory), without writing: a command that writes two files checks both before writing either.
 */
export function checkReplaceableTarget(path: string, argument: string): void {
  const dir = pinDirectory(path, argument);
  try {
    existingTarget(dir, path, argument);
  } catch (error) {
    throw dir.unpin(error);
  } finally {
    if (dir.fd !== undefined) closeSync(dir.fd);
  }
}

/**
 * Replaces (or creates, mode 0644 less the umask) `path` with `content`: atomic for readers (node_exporter reads
 * only `*.prom`, so the dot-prefixed temporary name is ignored until the rename), durable once it returns.
 * `argument` names the option in refusals (`ERR_INVALID_ARG_VALUE`); OS failures keep their errno name.
 * `mode`, when given, is the file's mode whatever the umask or the replaced file's mode (a support bundle: 0600).
 */
export function replaceFileSafely(path: string, content: string, argument: string, mode?: number): void {
  const dir = pinDirectory(path, argument);
  const name = basename(path);
  try {
    removeStaleTemps(dir, name);
    const existing = existingTarget(dir, path, argument);
    const temp = `.${name}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
    const fd = openSync(dir.at(temp), fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL | O_NOFOLLOW, mode ?? (existing ? 0o600 : 0o644));
    try {
      try {
        const bytes = Buffer.from(content, 'utf8');
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
        if (existing && POSIX) {
          const own = fstatSync(fd);
          if (own.uid !== existing.uid || own.gid !== existing.gid) fchownSync(fd, existing.uid, existing.gid);
          fchmodSync(fd, mode ?? existing.mode & 0o7777);
        } else if (mode !== undefined && POSIX) {
          fchmodSync(fd, mode);
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(dir.at(temp), dir.at(name));
    } catch (error) {
      try {
        unlinkSync(dir.at(temp));
      } catch {
        // already renamed, or never created
      }
      throw error;
    }
    if (dir.fd !== undefined) fsyncSync(dir.fd);
  } catch (error) {
    throw dir.unpin(error);
  } finally {
    if (dir.fd !== undefined) closeSync(dir.fd);
  }
}
