/**
 * Which sysctl files a Linux boot reads, and in which order.
 *
 * systemd-sysctl (sysctl.d(5); systemd src/sysctl/sysctl.c lists `CONF_PATHS_NULSTR("sysctl.d")`, src/basic/def.h /
 * path-lookup.h): /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and, where systemd was
 * built with split-usr (Debian before merged /usr), /lib/sysctl.d. conf_files_list() (src/basic/conf-files.c) takes
 * every `*.conf` that is not hidden; a name seen in an earlier directory hides the same name in later ones (/etc
 * masks /run, /run masks /usr/lib); a file that is a link to /dev/null (or empty, or a dangling link) masks the
 * name and sets nothing;
 * the files are then applied in order of their NAME, whatever their directory. systemd-sysctl does not read
 * /etc/sysctl.conf itself: Debian's procps ships the link /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf.
 *
 * procps `sysctl --system` (sysctl.conf(5) FILES, procps-ng; what boots without systemd run): the same directories
 * and rules, then /etc/sysctl.conf once more, last.
 *
 * `root` prefixes every path (tests, image builds); a link's absolute target is taken inside the root.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SYSTEMD_SYSCTL_DIRS: readonly string[] = Object.freeze([
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
]);
export const ETC_SYSCTL_CONF = '/etc/sysctl.conf';
/** Larger files are listed but not read (a sysctl file is a few lines; this keeps a stray blob from being loaded). */
const MAX_BYTES = 1 << 20;

export interface SysctlLayout {
  /** Prefix of every path. Default `/`. */
  root?: string;
  /** The directory that stands for /etc/sysctl.d (EPHEMERAL_PORTS_SYSCTL_DIR). Default `<root>/etc/sysctl.d`. */
  etcDir?: string;
  /** Content to use instead of a file's (a dry run's "after"), by the path the file is read at. */
  overlay?: ReadonlyMap<string, string>;
}

export interface BootFile {
  /** The name the order sorts by. */
  name: string;
  /** Where the boot finds it (`/etc/sysctl.d/99-sysctl.conf`). */
  listed: string;
  /** The file read after following links (`/etc/sysctl.conf`); equals `listed` for a plain file. */
  file: string;
  /** A link to /dev/null or an empty file: hides the name, sets nothing. */
  masked: boolean;
  /** Null when masked or unreadable. */
  text: string | null;
}

export function layoutDirs(layout: SysctlLayout): string[] {
  const root = layout.root ?? '/';
  return SYSTEMD_SYSCTL_DIRS.map((dir, i) => (i === 0 && layout.etcDir !== undefined ? layout.etcDir : join(root, dir)));
}

/** conf_files_list() takes `*.conf` names that are not hidden (a leading dot). */
export const isSysctlDName = (name: string): boolean => name.endsWith('.conf') && !name.startsWith('.');

/** Follows links (at most 32, as the kernel's ELOOP limit allows 40) with absolute targets inside `root`. */
function chase(path: string, root: string): { file: string; devNull: boolean } {
  let current = path;
  for (let hops = 0; hops < 32; hops++) {
    let st;
    try {
      st = lstatSync(current);
    } catch {
      return { file: current, devNull: false };
    }
    if (!st.isSymbolicLink()) return { file: current, devNull: st.isCharacterDevice() };
    const target = readlinkSync(current);
    if (target === '/dev/null') return { file: target, devNull: true };
    current = target.startsWith('/') ? join(root, target) : resolve(dirname(current), target);
  }
  return { file: current, devNull: false };
}

function readBootFile(name: string, listed: string, layout: SysctlLayout): BootFile | null {
  const { file, devNull } = chase(listed, layout.root ?? '/');
  if (devNull) return { name, listed, file, masked: true, text: null };
  const overlaid = layout.overlay?.get(file) ?? layout.overlay?.get(listed);
  if (overlaid !== undefined) return { name, listed, file, masked: overlaid === '', text: overlaid };
  let st;
  try {
    st = statSync(file);
  } catch {
    // A dangling link still claims its name (the real systemd-sysctl reads no later file of that name; see
    // test/persistence/systemd-sysctl.test.ts); opening it fails with ENOENT, which is ignored: it sets nothing.
    return { name, listed, file, masked: true, text: null };
  }
  if (st.isDirectory()) return null;
  // A device (/dev/null's kind) masks; a FIFO or socket is never opened here: reading one could block forever.
  if (!st.isFile()) return { name, listed, file, masked: st.isCharacterDevice(), text: null };
  if (st.size === 0) return { name, listed, file, masked: true, text: null };
  if (st.size > MAX_BYTES) return { name, listed, file, masked: false, text: null };
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = null; // unreadable here (not root): the order is still right, its lines are unknown
  }
  return { name, listed, file, masked: false, text };
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Byte order, as systemd's strcmp() of the names. */
const byName = (a: BootFile, b: BootFile) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));

/** The sysctl.d files in the order systemd-sysctl applies them (masked names included, flagged). */
export function systemdSysctlOrder(layout: SysctlLayout = {}): BootFile[] {
  const seen = new Set<string>();
  const files: BootFile[] = [];
  const dirs = layoutDirs(layout);
  for (const dir of dirs) {
    const here = new Set(names(dir));
    // A dry run's new file is listed as if it were written.
    for (const path of layout.overlay?.keys() ?? []) if (dirname(path) === dir) here.add(path.slice(dir.length + 1));
    for (const name of [...here].sort()) {
      if (!isSysctlDName(name) || seen.has(name)) continue;
      const file = readBootFile(name, join(dir, name), layout);
      if (file === null) continue;
      seen.add(name);
      files.push(file);
    }
  }
  return files.sort(byName);
}

/** procps `sysctl --system`: the same files, then /etc/sysctl.conf again, last. */
export function procpsSystemOrder(layout: SysctlLayout = {}): BootFile[] {
  const files = systemdSysctlOrder(layout);
  const conf = readBootFile('sysctl.conf', join(layout.root ?? '/', ETC_SYSCTL_CONF), layout);
  return conf === null ? files : [...files, conf];
}
