/**
 * Replacing a file as root in a directory another local user may be able to write (a redirected sysctl.d, a
 * `--file` path), so that the other user cannot make us read or write anything else:
 * - the directory is opened once and every later name is resolved through `/proc/self/fd/<dir>`: a path component
 *   swapped for a symlink after that changes nothing;
 * - a symlinked target, anything but a regular file, and files of kernel pseudo file systems (/proc, /sys: their
 *   regular files are kernel interfaces) are refused before anything is read or written; every open of an
 *   existing name uses O_NOFOLLOW|O_NONBLOCK, so a FIFO or a device in its place cannot block us;
 * - the new content goes to a temporary file with an unpredictable name, created O_CREAT|O_EXCL|O_NOFOLLOW, given
 *   the replaced file's owner and mode, fsync()ed and renamed over the target; then the directory is fsync()ed;
 * - temporary files a killed run left behind (the pid in their name is gone) are removed first.
 * The facade keeps a portable twin for `map --svg` and `metrics --textfile` (packages/ephemeral-ports/src/diagnostics/
 * safe-file.ts): the facade cannot import an OS package and core does no I/O, so the rule is kept in both.
 */
import { createRequire } from 'node:module';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  statfsSync,
  unlinkSync,
  writeSync,
  constants as fs,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { invalidArgValue } from '@ephemeral-ports/core/model';
import { crashPoint } from './crash-point.js';

// node:crypto costs a range read (which loads this module through the backend) several ms to load; only a write
// needs it. In CommonJS `__filename` is defined and import.meta.url is not (scripts/tsup-base.mjs).
const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
const randomHex = (bytes: number): string =>
  (load('node:crypto') as typeof import('node:crypto')).randomBytes(bytes).toString('hex');

/** statfs(2) f_type of file systems whose files are kernel interfaces, never configuration files. */
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
  [0x6e736673, 'nsfs'],
]);

/** Larger than any sysctl.d file: a bigger one is not what we were asked to edit. */
const MAX_READ_BYTES = 1 << 20;

export interface ExistingFile {
  content: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface SafeFileOptions {
  /** The argument that named the path, for refusals (`file`, `--textfile`). */
  argument: string;
  /** Mode of a file that did not exist (the umask applies). Default 0o644. */
  mode?: number;
  /** Create the directory (mode 0755, one level) when it is missing. */
  createDirectory?: boolean;
}

/** A directory opened once; names inside it resolve through the open descriptor, not the path. */
interface PinnedDir {
  fd: number;
  at(name: string): string;
  /** Puts the directory's path back into an error that names the `/proc/self/fd/<dir>` form. */
  unpin(error: unknown): unknown;
}

function pinDirectory(path: string, options: SafeFileOptions): PinnedDir {
  const dir = dirname(path);
  let fd: number;
  try {
    fd = openSync(dir, fs.O_RDONLY | fs.O_DIRECTORY);
  } catch (error) {
    if (!options.createDirectory || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { mode: 0o755 });
    fd = openSync(dir, fs.O_RDONLY | fs.O_DIRECTORY);
  }
  const prefix = `/proc/self/fd/${fd}`;
  const viaProc = existsSync(prefix);
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
  try {
    refusePseudoFileSystem(pinned.at('.'), path, options.argument);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return pinned;
}

/** Runs `fn` in the pinned directory of `path`, closing it after and naming real paths in errors. */
function inDirectory<T>(path: string, options: SafeFileOptions, fn: (dir: PinnedDir) => T): T {
  const dir = pinDirectory(path, options);
  try {
    return fn(dir);
  } catch (error) {
    throw dir.unpin(error);
  } finally {
    closeSync(dir.fd);
  }
}

function refusePseudoFileSystem(resolved: string, path: string, argument: string): void {
  const kind = PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(resolved).type));
  if (kind !== undefined) {
    throw invalidArgValue(argument, path, `is on ${kind}, a kernel interface, not a file this tool may write`);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Opens an existing regular file without following a symlink or blocking; null when there is none. */
function openExisting(dir: PinnedDir, path: string, argument: string): { fd: number; stat: Stats } | null {
  let fd: number;
  try {
    fd = openSync(dir.at(basename(path)), fs.O_RDONLY | fs.O_NOFOLLOW | fs.O_NONBLOCK | fs.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') {
      throw invalidArgValue(argument, path, 'is a symbolic link: pass the path of the file it points to, if that is the file to change');
    }
    throw error;
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw invalidArgValue(argument, path, `must be a regular file, but it is ${kindOf(stat)}`);
  }
  return { fd, stat };
}

/** The file's content, mode and owner, or null when it (or its directory) does not exist. Refuses what {@link replaceFile} refuses. */
export function readRegularFile(path: string, options: SafeFileOptions): ExistingFile | null {
  try {
    return inDirectory(path, { ...options, createDirectory: false }, (dir) => readOpened(dir, path, options.argument));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).syscall === 'open') {
      if ((error as NodeJS.ErrnoException).path === dirname(path)) return null;
    }
    throw error;
  }
}

function readOpened(dir: PinnedDir, path: string, argument: string): ExistingFile | null {
  const opened = openExisting(dir, path, argument);
  if (opened === null) return null;
  try {
    if (opened.stat.size > MAX_READ_BYTES) throw invalidArgValue(argument, path, `is larger than ${MAX_READ_BYTES} bytes`);
    const buffer = Buffer.alloc(opened.stat.size + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(opened.fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > opened.stat.size) throw invalidArgValue(argument, path, 'grew while it was read');
    const { mode, uid, gid } = opened.stat;
    return { content: buffer.toString('utf8', 0, length), mode, uid, gid };
  } finally {
    closeSync(opened.fd);
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

/** Removes `.<name>.<pid>[.<random>].tmp` files of ours whose process is gone (a run killed mid-write). */
function removeStaleTemps(dir: PinnedDir, name: string): void {
  const pattern = tempPattern(name);
  const euid = process.geteuid?.();
  for (const entry of readdirSync(dir.at('.'))) {
    const pid = pattern.exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    const stat = lstatSync(dir.at(entry), { throwIfNoEntry: false });
    if (stat?.isFile() && stat.uid === euid) unlinkSync(dir.at(entry));
  }
}

/**
 * Replaces (or creates) `path` with `content`: atomic for readers, durable once it returns, the replaced file's
 * owner and mode kept. Refuses a symlink, a non-regular file and pseudo file systems (`ERR_INVALID_ARG_VALUE`).
 */
export function replaceFile(path: string, content: string, options: SafeFileOptions): void {
  inDirectory(path, options, (dir) => {
    const name = basename(path);
    removeStaleTemps(dir, name);
    const existing = openExisting(dir, path, options.argument);
    if (existing) closeSync(existing.fd);
    const temp = `.${name}.${process.pid}.${randomHex(8)}.tmp`;
    const fd = openSync(
      dir.at(temp),
      fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL | fs.O_NOFOLLOW,
      existing ? 0o600 : (options.mode ?? 0o644),
    );
    crashPoint('temp-created');
    try {
      try {
        const bytes = Buffer.from(content, 'utf8');
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
        crashPoint('temp-written');
        if (existing) {
          const { uid, gid, mode } = existing.stat;
          const own = fstatSync(fd);
          if (own.uid !== uid || own.gid !== gid) fchownSync(fd, uid, gid);
          fchmodSync(fd, mode & 0o7777);
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      crashPoint('temp-synced');
      renameSync(dir.at(temp), dir.at(name));
      crashPoint('renamed');
    } catch (error) {
      try {
        unlinkSync(dir.at(temp));
      } catch {
        // already renamed, or never created: nothing of ours is left
      }
      throw error;
    }
    fsyncSync(dir.fd);
  });
}
