/**
 * FreeBSD `/etc/sysctl.conf` (sysctl.conf(5), applied at boot by rc.d/sysctl): `name=value` lines, `#` starts a
 * comment. Updating keeps every other line byte for byte, rewrites our lines in place and appends missing ones.
 */
import { invalidArgValue } from '@ephemeral-ports/core';

const ENTRY = /^\s*([A-Za-z0-9_.%-]+)\s*=\s*([^\s#]*)\s*(#.*)?$/;

export const SYSCTL_CONF_COMMENT = '# ephemeral port range (written by ephemeral-ports)';

/** Active `name=value` entries; a later line for the same name wins, as at boot. */
export function parseSysctlConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const m = ENTRY.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

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
    const m = ENTRY.exec(line);
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
