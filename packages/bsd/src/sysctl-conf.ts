/**
 * FreeBSD `/etc/sysctl.conf` (sysctl.conf(5), applied at boot by rc.d/sysctl with `sysctl -f`): `name=value` lines,
 * `#` starts a comment. FreeBSD's sysctl(8) also takes `name: value` (sbin/sysctl/sysctl.c parse(): "Either = or :
 * may be used as the delimiter. Whitespace surrounding the delimiter is trimmed. Quotes around the value are
 * stripped"). macOS reads /etc/sysctl.conf differently: launchctl hands each line to `sysctl -w` as it is
 * (launchd launchctl.c apply_sysctls_from_file()), and macOS sysctl(8) splits only at `=`.
 * Updating keeps every other line byte for byte, rewrites our lines in place and appends missing ones.
 */
import { invalidArgValue } from '@ephemeral-ports/core';

const ENTRY = /^\s*([A-Za-z0-9_.%-]+)\s*=\s*([^\s#]*)\s*(#.*)?$/;
/** FreeBSD sysctl -f: `=` or `:`, optional quotes around the value. */
const FREEBSD_ENTRY = /^\s*([A-Za-z0-9_.%-]+)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s#]*)\s*(#.*)?$/;

export interface SysctlConfLine {
  /** 1-based. */
  line: number;
  name: string;
  value: string;
}

/** Every active setting with its line number, in file order; `dialect` picks the delimiters the reader accepts. */
export function parseSysctlConfLines(text: string, dialect: 'freebsd' | 'darwin' = 'freebsd'): SysctlConfLine[] {
  const out: SysctlConfLine[] = [];
  const entry = dialect === 'freebsd' ? FREEBSD_ENTRY : ENTRY;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const m = entry.exec(line);
    if (m) out.push({ line: index + 1, name: m[1]!, value: m[2]!.replace(/^(["'])(.*)\1$/, '$2') });
  });
  return out;
}

/** Active `name=value` (or FreeBSD `name: value`) entries; a later line for the same name wins, as at boot. */
export function parseSysctlConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name, value } of parseSysctlConfLines(text)) out.set(name, value);
  return out;
}

export const SYSCTL_CONF_COMMENT = '# ephemeral port range (written by ephemeral-ports)';

/**
 * Sets `values` (name → value) in `text`: every active line of a name is rewritten in place (keeping an inline
 * comment), names without a line are appended under a comment. Other lines are untouched.
 */
export function updateSysctlConf(text: string, values: ReadonlyArray<readonly [string, string]>): string {
  for (const [name, value] of values) {
    if (!/^[A-Za-z0-9_.%-]+$/.test(name) || !/^[^\s#=]+$/.test(value)) {
      throw invalidArgValue('values', `${name}=${value}`, 'holds an entry that is not one sysctl.conf setting');
    }
  }
  const wanted = new Map(values);
  const seen = new Set<string>();
  const lines = text === '' ? [] : text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out = lines.map((raw) => {
    const cr = raw.endsWith('\r') ? '\r' : '';
    const line = cr ? raw.slice(0, -1) : raw;
    if (line.trim().startsWith('#')) return raw;
    const m = FREEBSD_ENTRY.exec(line);
    const value = m ? wanted.get(m[1]!) : undefined;
    if (!m || value === undefined) return raw;
    seen.add(m[1]!);
    return `${m[1]}=${value}${m[3] ? ` ${m[3]}` : ''}${cr}`;
  });
  const missing = values.filter(([name]) => !seen.has(name));
  if (missing.length > 0) {
    if (!out.includes(SYSCTL_CONF_COMMENT)) out.push(SYSCTL_CONF_COMMENT);
    for (const [name, value] of missing) out.push(`${name}=${value}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
