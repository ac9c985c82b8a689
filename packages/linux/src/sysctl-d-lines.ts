/**
 * One sysctl.d file read the way systemd-sysctl reads it (systemd src/sysctl/sysctl.c parse_file(), sysctl.d(5)):
 * - lines end at LF, CRLF or CR; leading and trailing whitespace is stripped; empty lines and lines whose first
 *   character is `#` or `;` are comments;
 * - `key = value`: a leading `-` on the key means "ignore a failure to write it";
 * - `-key` without `=` is an exclusion: the key stays unset (it also shields the key from globs);
 * - any other line without `=` is ignored (systemd logs "Line is not an assignment");
 * - a key with `*`, `?` or `[` is a glob, applied to every matching /proc/sys entry that no explicit line names;
 * - keys are normalized by sysctl_normalize() (src/basic/sysctl-util.c): when the first separator is `.`, dots and
 *   slashes swap; when it is `/`, the key is kept. `net.ipv4.ip_local_port_range` and `net/ipv4/ip_local_port_range`
 *   are one key; `net.ipv4/ip_local_port_range` is another (`net/ipv4.ip_local_port_range`).
 */

export interface SysctlDLine {
  /** 1-based. */
  line: number;
  /** The key as sysctl_normalize() leaves it, slash-separated: `net/ipv4/ip_local_port_range`. */
  key: string;
  /** The key as written (without the `-`). */
  written: string;
  /** Null for an exclusion (`-key`). */
  value: string | null;
  glob: boolean;
}

const COMMENT = /^[#;]/;

/** systemd's sysctl_normalize(): swap `.` and `/` when the first separator is a dot; drop a leading and double `/`. */
export function normalizeSysctlKey(key: string): string {
  const first = /[./]/.exec(key);
  let out = key;
  if (first && first[0] === '.') out = key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
  out = out.replace(/\/{2,}/g, '/').replace(/\/\.(?=\/|$)/g, '');
  if (out.startsWith('/') && out.length > 1) out = out.slice(1);
  return out;
}

export const isSysctlGlob = (key: string): boolean => /[*?[]/.test(key);

/** glob(3) over /proc/sys, as apply_glob_option() does: `*` and `?` never match `/`. */
export function sysctlGlobMatches(pattern: string, key: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(key);
}

export function parseSysctlDLines(text: string): SysctlDLine[] {
  const out: SysctlDLine[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const p = raw.trim();
    if (p === '' || COMMENT.test(p)) return;
    const eq = p.indexOf('=');
    let key: string;
    let value: string | null;
    if (eq >= 0) {
      key = p.slice(0, eq);
      if (key.startsWith('-')) key = key.slice(1);
      value = p.slice(eq + 1).trim();
    } else if (p.startsWith('-')) {
      key = p.slice(1);
      value = null;
    } else return;
    const written = key.trim();
    if (written === '') return;
    out.push({ line: index + 1, key: normalizeSysctlKey(written), written, value, glob: isSysctlGlob(written) });
  });
  return out;
}
